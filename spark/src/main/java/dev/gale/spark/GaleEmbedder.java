package dev.gale.spark;

import dev.gale.encoder.EmbeddingModel;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Sentence embeddings of a string column, as {@code gale embed} and {@link EmbeddingModel#embed(List)} compute them
 * (the model's pooling, normalization and default prompt):
 * <pre>{@code
 * Dataset<Row> out = new GaleEmbedder().setInputCol("text").setOutputCol("embedding").transform(df);
 * }</pre>
 * The output is {@code array<float>} (outputType "array", the default) or a Spark ML {@code Vector} ("vector"),
 * null where the text is null. Works in a {@code Pipeline} and saves and loads with it.
 */
public final class GaleEmbedder extends GaleTransformer<GaleEmbedder> implements DefaultParamsWritable {
    private static final long serialVersionUID = 1L;

    private final IntParam dimensions;
    private final BooleanParam normalize;
    private final Param<String> outputType;

    public GaleEmbedder() {
        this(Identifiable$.MODULE$.randomUID("galeEmbedder"));
    }

    public GaleEmbedder(String uid) {
        super(uid, "embedding");
        dimensions = new IntParam(this, "dimensions", "keep the first N dimensions and renormalize (Matryoshka), 0 for all",
                ParamValidators.gtEq(0));
        normalize = new BooleanParam(this, "normalize", "L2-normalize the embeddings; unset for the model's choice");
        outputType = new Param<>(this, "outputType", "array (array<float>) or vector (a Spark ML Vector)",
                ParamValidators.inArray(new String[]{"array", "vector"}));
        setDefault(dimensions, 0);
        setDefault(outputType, "array");
    }

    /** For {@code PipelineModel.load} and {@code GaleEmbedder.load}. */
    public static MLReader<GaleEmbedder> read() {
        return new DefaultParamsReader<>();
    }

    public static GaleEmbedder load(String path) {
        return read().load(path);
    }

    public IntParam dimensions() {
        return dimensions;
    }

    public BooleanParam normalize() {
        return normalize;
    }

    public Param<String> outputType() {
        return outputType;
    }

    public int getDimensions() {
        return (Integer) getOrDefault(dimensions);
    }

    /** The normalize param, or null where it is unset (the model's choice). */
    public Boolean getNormalize() {
        return isDefined(normalize) ? (Boolean) getOrDefault(normalize) : null;
    }

    public String getOutputType() {
        return getOrDefault(outputType);
    }

    public GaleEmbedder setDimensions(int n) {
        set(dimensions, n);
        return this;
    }

    public GaleEmbedder setNormalize(boolean on) {
        set(normalize, on);
        return this;
    }

    public GaleEmbedder setOutputType(String type) {
        set(outputType, type);
        return this;
    }

    /** The model spec the executors load, also what {@link GaleFunctions#register} takes. */
    public ModelSpec modelSpec() {
        return spec().dimensions(getDimensions()).normalize(getNormalize()).build();
    }

    @Override
    protected List<String> textColumns() {
        return List.of(getInputCol());
    }

    @Override
    protected List<StructField> outputFields() {
        DataType type = getOutputType().equals("vector") ? SQLDataTypes.VectorType() : DataTypes.createArrayType(DataTypes.FloatType, false);
        return List.of(DataTypes.createStructField(getOutputCol(), type, true));
    }

    @Override
    protected ChunkScorer scorer() {
        return new Embed(modelSpec(), getOutputType().equals("vector"));
    }

    private record Embed(ModelSpec spec, boolean vector) implements ChunkScorer {
        @Override
        public void load() {
            GaleModels.embeddingQueue(spec);
        }

        @Override
        public Object[][] score(String[][] texts) {
            return start(texts).get();
        }

        /** The chunk's texts go to the executor's queue (tokenized there while the encoder runs earlier chunks). */
        @Override
        public Pending start(String[][] texts) {
            String[] column = texts[0];
            List<String> present = new ArrayList<>(column.length);
            for (String t : column) {
                if (t != null) {
                    present.add(t);
                }
            }
            if (present.isEmpty()) {
                Object[][] nulls = new Object[column.length][1];
                return () -> nulls;
            }
            EmbeddingQueue queue = GaleModels.embeddingQueue(spec);
            CompletableFuture<EmbeddingQueue.Chunk> done = queue.submit(present);
            int dims = queue.dimensions();
            return () -> {
                float[] flat;
                try {
                    flat = done.join().vectors;
                } catch (CompletionException e) {
                    throw e.getCause() instanceof RuntimeException r ? r : e;
                }
                Object[][] out = new Object[column.length][1];
                int next = 0;
                for (int r = 0; r < column.length; r++) {
                    if (column[r] != null) {
                        float[] v = Arrays.copyOfRange(flat, next * dims, (next + 1) * dims);
                        next++;
                        out[r][0] = vector ? Vectors.dense(widen(v)) : v;
                    }
                }
                return out;
            };
        }

        private static double[] widen(float[] v) {
            double[] d = new double[v.length];
            for (int i = 0; i < v.length; i++) {
                d[i] = v[i];
            }
            return d;
        }
    }
}

package dev.gale.spark;

import dev.gale.encoder.Reranker;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

import java.util.ArrayList;
import java.util.List;

/**
 * Cross-encoder scores of two string columns, (inputCol, pairCol) of each row, as {@link Reranker#score(List, List, boolean)}
 * (sentence-transformers' {@code CrossEncoder.predict}): a float column, null where either text is null.
 * <pre>{@code
 * new GaleScorer().setModel("/models/ms-marco-MiniLM-L6-v2").setInputCol("query").setPairCol("passage").transform(df)
 * }</pre>
 */
public final class GaleScorer extends GaleTransformer<GaleScorer> implements DefaultParamsWritable {
    private static final long serialVersionUID = 1L;

    private final Param<String> pairCol;
    private final BooleanParam raw;

    public GaleScorer() {
        this(Identifiable$.MODULE$.randomUID("galeScorer"));
    }

    public GaleScorer(String uid) {
        super(uid, "score");
        pairCol = new Param<>(this, "pairCol", "the string column of each pair's second text (the passage)");
        raw = new BooleanParam(this, "raw", "the raw logit, without the model's activation (sigmoid)");
        setDefault(raw, false);
    }

    public static MLReader<GaleScorer> read() {
        return new DefaultParamsReader<>();
    }

    public static GaleScorer load(String path) {
        return read().load(path);
    }

    public Param<String> pairCol() {
        return pairCol;
    }

    public BooleanParam raw() {
        return raw;
    }

    public String getPairCol() {
        return getOrDefault(pairCol);
    }

    public boolean getRaw() {
        return (Boolean) getOrDefault(raw);
    }

    public GaleScorer setPairCol(String column) {
        set(pairCol, column);
        return this;
    }

    public GaleScorer setRaw(boolean on) {
        set(raw, on);
        return this;
    }

    @Override
    protected List<String> textColumns() {
        if (!isDefined(pairCol)) {
            throw new IllegalArgumentException("GaleScorer: pairCol is not set; expected the name of the string column of the second texts");
        }
        return List.of(getInputCol(), getPairCol());
    }

    @Override
    protected List<StructField> outputFields() {
        return List.of(DataTypes.createStructField(getOutputCol(), DataTypes.FloatType, true));
    }

    @Override
    protected ChunkScorer scorer() {
        return new Score(spec().build(), getRaw());
    }

    private record Score(ModelSpec spec, boolean raw) implements ChunkScorer {
        @Override
        public void load() {
            GaleModels.reranker(spec);
        }

        @Override
        public Object[][] score(String[][] texts) {
            int n = texts[0].length;
            List<String> a = new ArrayList<>(n), b = new ArrayList<>(n);
            for (int r = 0; r < n; r++) {
                if (texts[0][r] != null && texts[1][r] != null) {
                    a.add(texts[0][r]);
                    b.add(texts[1][r]);
                }
            }
            float[] scores = a.isEmpty() ? new float[0] : GaleModels.reranker(spec).score(a, b, raw);
            Object[][] out = new Object[n][1];
            int next = 0;
            for (int r = 0; r < n; r++) {
                if (texts[0][r] != null && texts[1][r] != null) {
                    out[r][0] = scores[next++];
                }
            }
            return out;
        }
    }
}

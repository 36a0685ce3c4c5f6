package dev.gale.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gale.encoder.EmbeddingModel;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GaleEmbedder, the SQL function and Pipeline persistence in local[2], against the encoder's own Java API
 * ({@link EmbeddingModel#embed(String)}, one text at a time) on the corpus as Parquet, nulls included.
 */
class GaleEmbedderTest {
    private static final String MODEL = "all-minilm-l6-v2";
    private static final double COSINE = 0.99999;

    @TempDir
    static Path tmp;
    private static Path corpus;
    private static List<String> texts;
    private static EmbeddingModel reference;
    /** The Java API's embedding of each corpus row (null for a null text), in batches of its own. */
    private static List<float[]> expected;

    @BeforeAll
    static void setUp() {
        corpus = SparkTests.corpusParquet(tmp);
        texts = SparkTests.texts();
        reference = EmbeddingModel.load(MODEL);
        expected = embedInBatches(reference, texts, 64);
    }

    /** {@code model.embed} over the non-null texts, {@code size} at a time (not the transformer's chunking). */
    static List<float[]> embedInBatches(EmbeddingModel model, List<String> texts, int size) {
        List<float[]> out = new java.util.ArrayList<>(texts.size());
        for (int from = 0; from < texts.size(); from += size) {
            List<String> chunk = texts.subList(from, Math.min(texts.size(), from + size));
            List<float[]> vectors = model.embed(chunk.stream().filter(java.util.Objects::nonNull).toList());
            int next = 0;
            for (String t : chunk) {
                out.add(t == null ? null : vectors.get(next++));
            }
        }
        return out;
    }

    @AfterAll
    static void tearDown() {
        reference.close();
    }

    @Test
    void corpusKeepsRowsOrderAndNullsAndMatchesTheJavaApi() {
        Dataset<Row> in = SparkTests.read(corpus);
        assertTrue(in.rdd().getNumPartitions() >= 3, "the corpus file should be read as several partitions, got "
                + in.rdd().getNumPartitions());
        ModelSpec spec = new GaleEmbedder().modelSpec();
        boolean loadedBefore = GaleModels.isLoaded(EmbeddingModel.class, spec);
        int modelsBefore = GaleModels.loaded();

        List<Row> out = new GaleEmbedder().setInputCol("text").setBatchRows(100).transform(in).collectAsList();

        assertEquals(List.of("id", "text", "embedding"), List.of(out.getFirst().schema().fieldNames()));
        assertEquals(texts.size(), out.size());
        int nulls = 0;
        for (int i = 0; i < out.size(); i++) {
            Row row = out.get(i);
            assertEquals(i, row.getLong(0), "row order");
            assertEquals(texts.get(i), row.getString(1));
            if (texts.get(i) == null) {
                assertTrue(row.isNullAt(2), "a null text gives a null embedding, row " + i);
                nulls++;
                continue;
            }
            float[] got = floats(row.getList(2));
            float[] want = expected.get(i);
            assertEquals(want.length, got.length);
            double cos = SparkTests.cosine(got, want);
            assertTrue(cos >= COSINE, "row " + i + ": cosine " + cos);
        }
        assertEquals((texts.size() + SparkTests.NULL_EVERY - 6) / SparkTests.NULL_EVERY, nulls);
        // both tasks' threads shared one model: at most one more in this JVM
        assertEquals(modelsBefore + (loadedBefore ? 0 : 1), GaleModels.loaded());
    }

    @Test
    void chunksOfOneRowIncludingNullOnesKeepOrderThroughTheReadAhead() {
        int n = 3 * SparkTests.NULL_EVERY + 2;   // several null rows, each a chunk of its own
        List<Row> out = new GaleEmbedder().setInputCol("text").setBatchRows(1).transform(SparkTests.read(corpus).limit(n)).collectAsList();
        assertEquals(n, out.size());
        for (int i = 0; i < n; i++) {
            Row row = out.get(i);
            assertEquals(i, row.getLong(0), "row order");
            if (texts.get(i) == null) {
                assertTrue(row.isNullAt(2), "row " + i);
            } else {
                double cos = SparkTests.cosine(floats(row.getList(2)), expected.get(i));
                assertTrue(cos >= COSINE, "row " + i + ": cosine " + cos);
            }
        }
    }

    @Test
    void pipelineWithVectorOutputSavesAndLoads() throws Exception {
        Dataset<Row> in = SparkTests.read(corpus).where("id < 120");
        GaleEmbedder embedder = new GaleEmbedder().setInputCol("text").setOutputCol("vec").setOutputType("vector")
                .setDimensions(128).setBatchRows(64).setMaxBatchTokens(2048);
        SQLTransformer after = new SQLTransformer().setStatement("SELECT *, vec IS NOT NULL AS embedded FROM __THIS__");
        PipelineModel fitted = new Pipeline().setStages(new PipelineStage[]{embedder, after}).fit(in);
        String path = tmp.resolve("pipeline").toString();
        fitted.write().overwrite().save(path);
        PipelineModel loaded = PipelineModel.load(path);

        GaleEmbedder back = assertInstanceOf(GaleEmbedder.class, loaded.stages()[0]);
        assertEquals("vec", back.getOutputCol());
        assertEquals("vector", back.getOutputType());
        assertEquals(128, back.getDimensions());
        assertEquals(64, back.getBatchRows());
        assertEquals(2048, back.getMaxBatchTokens());
        assertNull(back.getNormalize());
        assertEquals(embedder.modelSpec(), back.modelSpec());

        List<Row> before = fitted.transform(in).collectAsList();
        List<Row> again = loaded.transform(in).collectAsList();
        assertEquals(120, again.size());
        try (EmbeddingModel truncated = EmbeddingModel.load(MODEL, new EmbeddingModel.Options(null, null, 128, 0, 0, 0))) {
            List<float[]> want = embedInBatches(truncated, texts.subList(0, 120), 64);
            for (int i = 0; i < again.size(); i++) {
                Row a = before.get(i), b = again.get(i);
                assertEquals(a.getLong(0), b.getLong(0));
                String text = b.getString(1);
                assertEquals(text != null, b.getBoolean(3));
                if (text == null) {
                    assertTrue(b.isNullAt(2) && a.isNullAt(2));
                    continue;
                }
                float[] va = floats(a.<Vector>getAs("vec")), vb = floats(b.<Vector>getAs("vec"));
                assertEquals(128, vb.length);
                assertTrue(SparkTests.cosine(va, vb) >= COSINE, "round trip, row " + i);
                double cos = SparkTests.cosine(vb, want.get(i));
                assertTrue(cos >= COSINE, "row " + i + ": cosine " + cos + " against the Java API with dimensions 128");
            }
        }
    }

    @Test
    void embedderAloneSavesAndLoads() throws Exception {
        GaleEmbedder embedder = new GaleEmbedder().setInputCol("body").setModel("/models/some-dir").setNormalize(false).setThreads(3);
        String path = tmp.resolve("embedder").toString();
        embedder.save(path);
        GaleEmbedder back = GaleEmbedder.load(path);
        assertEquals(embedder.uid(), back.uid());
        assertEquals("body", back.getInputCol());
        assertEquals(Boolean.FALSE, back.getNormalize());
        assertEquals(embedder.modelSpec(), back.modelSpec());
    }

    @Test
    void sqlFunctionGivesTheSameValues() {
        GaleFunctions.register(SparkTests.spark(), ModelSpec.builder(MODEL).build());
        SparkTests.read(corpus).where("id < 80").createOrReplaceTempView("docs");
        List<Row> out = SparkTests.spark().sql("SELECT id, gale_embed(text) AS e FROM docs ORDER BY id").collectAsList();
        assertEquals(80, out.size());
        for (Row row : out) {
            String text = texts.get((int) row.getLong(0));
            if (text == null) {
                assertTrue(row.isNullAt(1));
                continue;
            }
            double cos = SparkTests.cosine(floats(row.getList(1)), expected.get((int) row.getLong(0)));
            assertTrue(cos >= COSINE, "row " + row.getLong(0) + ": cosine " + cos);
        }
    }

    @Test
    void badColumnsAreOneLineErrors() {
        Dataset<Row> in = SparkTests.read(corpus);
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> new GaleEmbedder().setInputCol("body").transform(in));
        assertEquals("GaleEmbedder: column 'body' is not in the input; its columns are [id, text]", missing.getMessage());
        IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
                () -> new GaleEmbedder().setInputCol("id").transform(in));
        assertEquals("GaleEmbedder: column 'id' is bigint, expected string", type.getMessage());
        IllegalArgumentException taken = assertThrows(IllegalArgumentException.class,
                () -> new GaleEmbedder().setInputCol("text").setOutputCol("id").transform(in));
        assertEquals("GaleEmbedder: output column 'id' is already in the input; set another outputCol", taken.getMessage());
        IllegalArgumentException unset = assertThrows(IllegalArgumentException.class, () -> new GaleEmbedder().transform(in));
        assertEquals("GaleEmbedder: inputCol is not set; expected the name of a string column", unset.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new GaleEmbedder().setOutputType("matrix"));
    }

    @Test
    void aModelThatIsNotThereIsOneLineAtTransform(@TempDir Path empty) {
        Dataset<Row> in = SparkTests.read(corpus);
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> new GaleEmbedder().setInputCol("text").setModel("no-such-model").transform(in));
        assertEquals("GaleEmbedder: model 'no-such-model' is neither a built-in model (all-minilm-l6-v2, bge-small-en-v1.5) "
                + "nor an existing file or directory", unknown.getMessage());
        IllegalArgumentException noWeights = assertThrows(IllegalArgumentException.class,
                () -> new GaleScorer().setInputCol("text").setPairCol("text").setModel(empty.toString()).transform(in));
        assertEquals("GaleScorer: " + empty + ": no model.safetensors, model.safetensors.index.json, model.onnx or onnx/model.onnx"
                + " in this directory", noWeights.getMessage());
        IllegalArgumentException sql = assertThrows(IllegalArgumentException.class,
                () -> GaleFunctions.register(SparkTests.spark(), "bad_embed", ModelSpec.builder("no-such-model").build()));
        assertTrue(sql.getMessage().startsWith("bad_embed: model 'no-such-model' is neither a built-in model"), sql.getMessage());
    }

    static float[] floats(List<Float> list) {
        float[] v = new float[list.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = list.get(i);
        }
        return v;
    }

    static float[] floats(Vector vector) {
        double[] d = vector.toArray();
        float[] v = new float[d.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) d[i];
        }
        return v;
    }
}

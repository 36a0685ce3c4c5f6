package dev.gale.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gale.encoder.HeadFixtures;
import dev.gale.encoder.Reranker;
import dev.gale.encoder.TextClassifier;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GaleScorer and GaleClassifier in local[2] on the encoder's tiny random-weight head fixtures (HeadFixtures: a
 * one-label CrossEncoder, a three-label sequence classifier), against {@link Reranker} and {@link TextClassifier}
 * on the same texts.
 */
class GaleTasksTest {
    private static final double SCORE = 1e-5;
    private static final int ROWS = 150;

    @TempDir
    static Path tmp;
    private static FileSystem fixtureJar;   // the encoder's test-jar, when the fixtures are read from it
    private static Path rerank, seqcls;
    private static Dataset<Row> pairs;
    private static List<String> as, bs;

    @BeforeAll
    static void setUp() throws Exception {
        rerank = fixture("bert-uncased-rerank");
        seqcls = fixture("bert-uncased-seqcls");
        List<String> texts = SparkTests.texts();
        as = new ArrayList<>();
        bs = new ArrayList<>();
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            String a = texts.get(i), b = i % 11 == 3 ? null : texts.get(ROWS + i);
            as.add(a);
            bs.add(b);
            rows.add(RowFactory.create((long) i, a, b));
        }
        StructType schema = new StructType().add("id", DataTypes.LongType, false).add("query", DataTypes.StringType, true)
                .add("passage", DataTypes.StringType, true);
        pairs = SparkTests.spark().createDataFrame(rows, schema).repartition(3).cache();
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (fixtureJar != null) {
            fixtureJar.close();
        }
    }

    @Test
    void scorerMatchesTheReranker() throws Exception {
        GaleScorer scorer = new GaleScorer().setModel(rerank.toString()).setInputCol("query").setPairCol("passage").setBatchRows(16);
        String path = tmp.resolve("scorer-pipeline").toString();
        new Pipeline().setStages(new PipelineStage[]{scorer}).fit(pairs).write().overwrite().save(path);
        PipelineModel loaded = PipelineModel.load(path);
        assertInstanceOf(GaleScorer.class, loaded.stages()[0]);
        List<Row> out = byId(loaded.transform(pairs).collectAsList());
        List<Row> logits = byId(new GaleScorer().setModel(rerank.toString()).setInputCol("query").setPairCol("passage").setRaw(true)
                .setOutputCol("logit").transform(pairs).collectAsList());
        assertEquals(ROWS, out.size());
        try (Reranker reranker = Reranker.load(rerank.toString())) {
            for (int i = 0; i < ROWS; i++) {
                Row row = out.get(i);
                assertEquals(i, row.getLong(0));
                if (as.get(i) == null || bs.get(i) == null) {
                    assertTrue(row.isNullAt(3), "a null text gives a null score, row " + i);
                    assertTrue(logits.get(i).isNullAt(3));
                    continue;
                }
                float want = reranker.score(List.of(as.get(i)), List.of(bs.get(i)), false)[0];
                float wantRaw = reranker.score(List.of(as.get(i)), List.of(bs.get(i)), true)[0];
                assertEquals(want, row.getFloat(3), SCORE, "row " + i);
                assertEquals(wantRaw, logits.get(i).getFloat(3), SCORE, "raw, row " + i);
            }
        }
    }

    @Test
    void classifierMatchesTheTextClassifier() {
        List<Row> single = byId(new GaleClassifier().setModel(seqcls.toString()).setInputCol("query").setBatchRows(40)
                .transform(pairs).collectAsList());
        List<Row> paired = byId(new GaleClassifier().setModel(seqcls.toString()).setInputCol("query").setPairCol("passage")
                .setOutputCol("pair_label").setScoreCol("pair_score").transform(pairs).collectAsList());
        assertEquals(List.of("id", "query", "passage", "label", "score"), List.of(single.getFirst().schema().fieldNames()));
        try (TextClassifier classifier = TextClassifier.load(seqcls.toString())) {
            for (int i = 0; i < ROWS; i++) {
                if (as.get(i) == null) {
                    assertTrue(single.get(i).isNullAt(3) && single.get(i).isNullAt(4), "a null text gives a null label and score, row " + i);
                    assertTrue(paired.get(i).isNullAt(3) && paired.get(i).isNullAt(4));
                    continue;
                }
                TextClassifier.Classification alone = classifier.classify(List.of(as.get(i))).getFirst();
                List<String> pair = new ArrayList<>();
                pair.add(bs.get(i));
                TextClassifier.Classification withPair = classifier.classifyPairs(List.of(as.get(i)), pair).getFirst();
                assertEquals(alone.label(), single.get(i).getString(3), "row " + i);
                assertEquals(alone.score(), single.get(i).getFloat(4), SCORE, "row " + i);
                assertEquals(withPair.label(), paired.get(i).getString(3), "pair row " + i);
                assertEquals(withPair.score(), paired.get(i).getFloat(4), SCORE, "pair row " + i);
            }
        }
    }

    /** The rows sorted by id (column 0): the table is in three partitions. */
    private static List<Row> byId(List<Row> rows) {
        List<Row> sorted = new ArrayList<>(rows);
        sorted.sort(java.util.Comparator.comparingLong(r -> r.getLong(0)));
        return sorted;
    }

    /**
     * The head fixture {@code name} assembled as a checkpoint directory. Run from the reactor the encoder's test
     * resources are a directory; with {@code -pl spark} they are in its test-jar, read through a zip file system.
     */
    private static Path fixture(String name) throws Exception {
        URI uri = HeadFixtures.class.getResource("/reference/heads").toURI();
        if (uri.getScheme().equals("jar") && fixtureJar == null) {
            try {
                fixtureJar = FileSystems.newFileSystem(uri, Map.of());
            } catch (FileSystemAlreadyExistsException e) {
                // opened by someone else in this JVM: Path.of finds it
            }
        }
        return HeadFixtures.assemble(name, tmp.resolve(name));
    }
}

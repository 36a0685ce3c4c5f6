package dev.gale.spark;

import dev.gale.encoder.Corpus;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** One local[2] Spark session for all the tests of this JVM, and the corpus as a Parquet file. */
final class SparkTests {
    /** Every NULL_EVERY-th row of the corpus table has a null text. */
    static final int NULL_EVERY = 37;
    private static SparkSession spark;

    private SparkTests() {}

    static synchronized SparkSession spark() {
        if (spark == null) {
            spark = SparkSession.builder().master("local[2]").appName("gale-spark-tests")
                    .config("spark.ui.enabled", "false")
                    .config("spark.sql.shuffle.partitions", "2")
                    // small input splits, so the corpus file is read as several partitions
                    .config("spark.sql.files.maxPartitionBytes", "96k")
                    .getOrCreate();
        }
        return spark;
    }

    /** The corpus texts, row i's text null where i % NULL_EVERY == 5. */
    static List<String> texts() {
        List<String> texts = new ArrayList<>(Corpus.texts());
        for (int i = 0; i < texts.size(); i++) {
            if (i % NULL_EVERY == 5) {
                texts.set(i, null);
            }
        }
        return texts;
    }

    /**
     * The corpus as one Parquet file (id long, text string; nulls per {@link #texts}) in row groups of about 64 KiB,
     * written by Spark.
     */
    static Path corpusParquet(Path dir) {
        List<String> texts = texts();
        List<Row> rows = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            rows.add(RowFactory.create((long) i, texts.get(i)));
        }
        StructType schema = new StructType().add("id", DataTypes.LongType, false).add("text", DataTypes.StringType, true);
        Path out = dir.resolve("corpus.parquet");
        spark().createDataFrame(rows, schema).coalesce(1).write().option("parquet.block.size", 64 * 1024).parquet(out.toString());
        return out;
    }

    static Dataset<Row> read(Path parquet) {
        return spark().read().parquet(parquet.toString());
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}

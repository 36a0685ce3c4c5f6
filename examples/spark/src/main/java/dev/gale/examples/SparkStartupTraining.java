package dev.gale.examples;

import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.List;

/**
 * Not an example to copy: the training run behind {@code examples/run SparkBatchScoring}'s start-up cache (a JDK 25
 * AOT cache, see {@code bin/aot-cache.sh}). It writes a few sentences as a Parquet file under the folder it is
 * given and runs {@link SparkBatchScoring} on them in {@code local[2]}, so that the cache holds the classes a real
 * run loads: Spark's session, the Parquet reader and writer, Catalyst's planner and code generator, Gale's model
 * loader, tokenizer and CPU backend.
 * <pre>
 *   java ... dev.gale.examples.SparkStartupTraining DIR
 * </pre>
 */
public final class SparkStartupTraining {
    private SparkStartupTraining() {}

    public static void main(String[] args) throws Exception {
        String dir = args[0];
        String[] sentences = {"The quick brown fox jumps over the lazy dog.", "A training run for the start-up cache.",
                "Gale runs BERT-family encoders in pure Java.", "A fourth, somewhat longer sentence, so that the lengths differ."};
        SparkSession spark = SparkSession.builder().master("local[2]").appName("SparkStartupTraining").getOrCreate();
        List<org.apache.spark.sql.Row> rows = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            rows.add(RowFactory.create((long) i, i % 16 == 5 ? null : sentences[i % sentences.length]));
        }
        StructType schema = new StructType().add("id", DataTypes.LongType, false).add("text", DataTypes.StringType, true);
        spark.createDataFrame(rows, schema).coalesce(1).write().mode("overwrite").parquet(dir + "/in.parquet");
        SparkBatchScoring.main(new String[]{"--input", dir + "/in.parquet", "--output", dir + "/out.parquet", "--master", "local[2]",
                "--overwrite"});
    }
}

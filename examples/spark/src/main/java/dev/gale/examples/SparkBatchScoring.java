package dev.gale.examples;

import dev.gale.encoder.model.ModelLoadException;
import dev.gale.spark.GaleEmbedder;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Batch scoring on Spark: a Parquet table in, the same rows out with an {@code embedding} column (array of float,
 * null for a null text), computed by Gale on Spark's executors.
 * <pre>
 *   examples/run SparkBatchScoring --input IN.parquet --output OUT.parquet --column text
 *       [--master local[2]] [--model all-minilm-l6-v2] [--batch-rows 512] [--max-batch-tokens 8192] [--overwrite]
 * </pre>
 * or the same arguments after {@code spark-submit --class dev.gale.examples.SparkBatchScoring ...} (see the README,
 * "Spark"); without --master and outside spark-submit it runs in local[*]. OUT.parquet is a directory of part
 * files, as Spark writes it; the rows keep the input's order.
 */
public final class SparkBatchScoring {
    private static final Set<String> OPTIONS = Set.of("--input", "--output", "--column", "--master", "--model", "--batch-rows",
            "--max-batch-tokens");

    public static void main(String[] args) throws Exception {
        Map<String, String> opts;
        try {
            opts = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("SparkBatchScoring: " + e.getMessage());
            System.exit(2);
            return;
        }
        SparkSession.Builder builder = SparkSession.builder().appName("SparkBatchScoring");
        if (opts.containsKey("--master")) {
            builder.master(opts.get("--master"));
        } else if (!new SparkConf().contains("spark.master")) {   // not under spark-submit
            builder.master("local[*]");
        }
        SparkSession spark = builder.getOrCreate();
        try {
            long start = System.nanoTime();
            Dataset<Row> in = spark.read().parquet(opts.get("--input"));
            GaleEmbedder embedder = new GaleEmbedder()
                    .setInputCol(opts.getOrDefault("--column", "text"))
                    .setOutputCol("embedding")
                    .setModel(opts.getOrDefault("--model", GaleEmbedder.DEFAULT_MODEL))
                    .setBatchRows(Integer.parseInt(opts.getOrDefault("--batch-rows", "512")))
                    .setMaxBatchTokens(Integer.parseInt(opts.getOrDefault("--max-batch-tokens", "8192")));
            Dataset<Row> out = embedder.transform(in);
            writeWhole(spark, out, opts.get("--output"), opts.containsKey("--overwrite"));
            double seconds = (System.nanoTime() - start) / 1e9;
            long rows = rowsWritten(spark, opts.get("--output"));
            System.err.printf(Locale.ROOT, "SparkBatchScoring: embedded %,d rows in %.1f s (%,.0f rows/s) into %s%n",
                    rows, seconds, rows / seconds, opts.get("--output"));
        } catch (Exception e) {
            // bad input: no such file or column, a column of another type (at transform), a model that does not load
            // (in an executor's task: the job fails with it as a cause); anything else is a bug, with its trace
            Throwable bad = e instanceof AnalysisException || e instanceof IllegalArgumentException ? e : modelLoadCause(e);
            if (bad == null) {
                throw e;
            }
            System.err.println("SparkBatchScoring: " + bad.getMessage().lines().findFirst().orElse(""));
            spark.stop();
            System.exit(2);
        }
        spark.stop();
    }

    /**
     * Writes {@code out} as Parquet into a hidden folder beside {@code dir}, and only when the whole job has
     * succeeded moves it to {@code dir} (replacing what was there, with --overwrite): a failed job leaves neither a
     * partial output nor an empty folder, and an older output stays as it was.
     */
    private static void writeWhole(SparkSession spark, Dataset<Row> out, String dir, boolean overwrite) throws IOException {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        FileSystem fs = new Path(dir).getFileSystem(conf);
        Path target = fs.makeQualified(new Path(dir));
        if (fs.exists(target) && !overwrite) {
            throw new IllegalArgumentException(dir + " already exists (--overwrite replaces it)");
        }
        Path staging = new Path(target.getParent(), "." + target.getName() + ".writing-" + UUID.randomUUID());
        try {
            out.write().mode(SaveMode.ErrorIfExists).parquet(staging.toString());
            if (fs.exists(target) && !fs.delete(target, true)) {
                throw new IOException("could not remove the old " + dir);
            }
            if (!fs.rename(staging, target)) {
                throw new IOException("could not move " + staging + " to " + dir);
            }
        } finally {
            if (fs.exists(staging)) {
                fs.delete(staging, true);
            }
        }
    }

    private static Throwable modelLoadCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ModelLoadException) {
                return t;
            }
        }
        return null;
    }

    /** The rows of the part files in {@code dir}, from their Parquet footers (no Spark job). */
    private static long rowsWritten(SparkSession spark, String dir) throws IOException {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        Path path = new Path(dir);
        long rows = 0;
        for (FileStatus f : path.getFileSystem(conf).listStatus(path, p -> p.getName().endsWith(".parquet"))) {
            try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromStatus(f, conf))) {
                rows += reader.getRecordCount();
            }
        }
        return rows;
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--overwrite")) {
                opts.put("--overwrite", "");
            } else if (OPTIONS.contains(args[i]) && i + 1 < args.length) {
                opts.put(args[i], args[++i]);
            } else {
                throw new IllegalArgumentException("unknown option or missing value: " + args[i]
                        + " (expected --input IN.parquet --output OUT.parquet [--column text] [--master M] [--model M] "
                        + "[--batch-rows N] [--max-batch-tokens N] [--overwrite])");
            }
        }
        for (String required : new String[]{"--input", "--output"}) {
            if (!opts.containsKey(required)) {
                throw new IllegalArgumentException(required + " is missing (expected --input IN.parquet --output OUT.parquet)");
            }
        }
        for (String number : new String[]{"--batch-rows", "--max-batch-tokens"}) {
            if (opts.containsKey(number) && !opts.get(number).matches("[1-9][0-9]*")) {
                throw new IllegalArgumentException(number + " must be a positive integer, got '" + opts.get(number) + "'");
            }
        }
        return opts;
    }
}

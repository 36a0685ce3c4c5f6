import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Compare A.parquet B.parquet: two tables with id and embedding (gale embed's and SparkBatchScoring's outputs),
 * joined on id. Prints rows, ids in only one of them, rows where one embedding is null and the other not, and the
 * least cosine similarity of the rows both embed. Exit status 1 if a row is missing, the nulls differ, or a cosine
 * is below 0.99999.
 */
public class Compare {
    public static void main(String[] args) {
        SparkSession spark = SparkSession.builder().master("local[2]").appName("Compare").config("spark.ui.enabled", "false").getOrCreate();
        spark.read().parquet(args[0]).select("id", "embedding").createOrReplaceTempView("a");
        spark.read().parquet(args[1]).select("id", "embedding").createOrReplaceTempView("b");
        Row r = spark.sql("""
                SELECT count(*),
                       sum(CASE WHEN a.id IS NULL OR b.id IS NULL THEN 1 ELSE 0 END),
                       sum(CASE WHEN (a.embedding IS NULL) <> (b.embedding IS NULL) THEN 1 ELSE 0 END),
                       min(aggregate(zip_with(a.embedding, b.embedding, (x, y) -> CAST(x AS DOUBLE) * y), 0D, (s, v) -> s + v)
                           / sqrt(aggregate(transform(a.embedding, x -> CAST(x AS DOUBLE) * x), 0D, (s, v) -> s + v)
                                  * aggregate(transform(b.embedding, x -> CAST(x AS DOUBLE) * x), 0D, (s, v) -> s + v)))
                FROM a FULL OUTER JOIN b ON a.id = b.id""").first();
        long rows = r.getLong(0), unmatched = r.getLong(1), nulls = r.getLong(2);
        double cos = r.isNullAt(3) ? Double.NaN : r.getDouble(3);
        System.out.printf("rows %d, unmatched ids %d, null mismatches %d, least cosine %.7f%n", rows, unmatched, nulls, cos);
        spark.stop();
        System.exit(unmatched == 0 && nulls == 0 && cos >= 0.99999 ? 0 : 1);
    }
}

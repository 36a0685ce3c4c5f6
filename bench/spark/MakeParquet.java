import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The inputs of bench/spark/run, written by Spark as one Parquet file each (id long, text string):
 * <pre>
 *   MakeParquet corpus TEXTS.jsonl COPIES OUT.parquet      the JSONL's "text" field, COPIES times over, in order
 *   MakeParquet generated ROWS OUT.parquet                 ROWS short texts of 6 to 13 words, every 50th null
 * </pre>
 * Run by bench/spark/run with the class path of examples/spark (java MakeParquet.java, no build step of its own).
 */
public class MakeParquet {
    private static final String WORDS = "the,a,river,stone,quick,brown,fox,jumps,over,lazy,dog,market,fell,sharply,after,report,"
            + "cat,sits,on,mat,green,light,north,wind,blows,cold,summer,rain,falls,soft,city,lights,glow,night,train,leaves,"
            + "station,early,morning,coffee,tastes,bitter,sweet,music,plays,loud,garden,grows,tall,trees";

    public static void main(String[] args) {
        SparkSession spark = SparkSession.builder().master("local[2]").appName("MakeParquet")
                .config("spark.ui.enabled", "false").getOrCreate();
        Dataset<Row> table;
        String out;
        if (args[0].equals("corpus")) {
            int copies = Integer.parseInt(args[2]);
            out = args[3];
            Dataset<Row> texts = spark.read().json(args[1]).select("text");
            Dataset<Row> all = texts;
            for (int c = 1; c < copies; c++) {
                all = all.union(texts);
            }
            // one partition in file order, numbered in that order
            table = all.coalesce(1).selectExpr("monotonically_increasing_id() AS id", "text");
        } else {
            long rows = Long.parseLong(args[1]);
            out = args[2];
            spark.sql("SELECT split('" + WORDS + "', ',') AS w").createOrReplaceTempView("vocabulary");
            table = spark.range(rows).crossJoin(spark.table("vocabulary")).selectExpr("id",
                    "CASE WHEN id % 50 = 7 THEN NULL ELSE concat_ws(' ', transform(sequence(1, 6 + CAST(pmod(hash(id), 8) AS INT)), "
                            + "k -> element_at(w, 1 + CAST(pmod(hash(id, k), size(w)) AS INT)))) END AS text")
                    .coalesce(1);
        }
        table.write().mode("overwrite").parquet(out);
        System.err.println("MakeParquet: " + spark.read().parquet(out).count() + " rows in " + out);
        spark.stop();
    }
}

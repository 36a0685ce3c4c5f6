package dev.gale.spark;

import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;

/**
 * Gale as SQL functions:
 * <pre>{@code
 * GaleFunctions.register(spark, ModelSpec.builder("all-minilm-l6-v2").build());
 * spark.sql("SELECT id, gale_embed(text) AS embedding FROM docs");
 * }</pre>
 * {@code gale_embed(text)} gives the text's embedding as {@code array<float>} (null for a null text), the values
 * {@link GaleEmbedder} gives. A SQL function sees one row at a time, so each text is its own encoder pass; for
 * large tables {@link GaleEmbedder}, which hands Gale a batch of rows at once, is the faster road.
 */
public final class GaleFunctions {
    private GaleFunctions() {}

    /** Registers {@code gale_embed(text)} for {@code spec} in {@code spark}'s session. */
    public static void register(SparkSession spark, ModelSpec spec) {
        register(spark, "gale_embed", spec);
    }

    /** Registers an embedding function called {@code name} (several models may have a function each). */
    public static void register(SparkSession spark, String name, ModelSpec spec) {
        GaleModels.checkModelIfLocal(spark, spec.model(), name);
        spark.udf().register(name, new Embed(spec), DataTypes.createArrayType(DataTypes.FloatType, false));
    }

    private record Embed(ModelSpec spec) implements UDF1<String, float[]> {
        @Override
        public float[] call(String text) {
            return text == null ? null : GaleModels.embedding(spec).embed(text);
        }
    }
}

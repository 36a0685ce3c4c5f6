package dev.gale.spark;

import dev.gale.encoder.TextClassifier;
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
 * Sequence classification of a string column (optionally with a second text, pairCol), as
 * {@link TextClassifier#classifyPairs}: the best label (outputCol, default "label") and its score (scoreCol, default
 * "score"), both null where the text is null; a null second text classifies the first alone.
 */
public final class GaleClassifier extends GaleTransformer<GaleClassifier> implements DefaultParamsWritable {
    private static final long serialVersionUID = 1L;

    private final Param<String> pairCol;
    private final Param<String> scoreCol;

    public GaleClassifier() {
        this(Identifiable$.MODULE$.randomUID("galeClassifier"));
    }

    public GaleClassifier(String uid) {
        super(uid, "label");
        pairCol = new Param<>(this, "pairCol", "an optional string column of each input's second text");
        scoreCol = new Param<>(this, "scoreCol", "the column the best label's score goes to");
        setDefault(scoreCol, "score");
    }

    public static MLReader<GaleClassifier> read() {
        return new DefaultParamsReader<>();
    }

    public static GaleClassifier load(String path) {
        return read().load(path);
    }

    public Param<String> pairCol() {
        return pairCol;
    }

    public Param<String> scoreCol() {
        return scoreCol;
    }

    /** The pair column, or null where none is set. */
    public String getPairCol() {
        return isDefined(pairCol) ? getOrDefault(pairCol) : null;
    }

    public String getScoreCol() {
        return getOrDefault(scoreCol);
    }

    public GaleClassifier setPairCol(String column) {
        set(pairCol, column);
        return this;
    }

    public GaleClassifier setScoreCol(String column) {
        set(scoreCol, column);
        return this;
    }

    @Override
    protected List<String> textColumns() {
        List<String> columns = new ArrayList<>();
        columns.add(getInputCol());
        columns.add(getPairCol());
        return columns;
    }

    @Override
    protected List<StructField> outputFields() {
        return List.of(DataTypes.createStructField(getOutputCol(), DataTypes.StringType, true),
                DataTypes.createStructField(getScoreCol(), DataTypes.FloatType, true));
    }

    @Override
    protected ChunkScorer scorer() {
        return new Classify(spec().build());
    }

    private record Classify(ModelSpec spec) implements ChunkScorer {
        @Override
        public void load() {
            GaleModels.classifier(spec);
        }

        @Override
        public Object[][] score(String[][] texts) {
            int n = texts[0].length;
            List<String> a = new ArrayList<>(n), b = new ArrayList<>(n);
            for (int r = 0; r < n; r++) {
                if (texts[0][r] != null) {
                    a.add(texts[0][r]);
                    b.add(texts[1][r]);
                }
            }
            List<TextClassifier.Classification> results = a.isEmpty() ? List.of() : GaleModels.classifier(spec).classifyPairs(a, b);
            Object[][] out = new Object[n][2];
            int next = 0;
            for (int r = 0; r < n; r++) {
                if (texts[0][r] != null) {
                    TextClassifier.Classification c = results.get(next++);
                    out[r][0] = c.label();
                    out[r][1] = c.score();
                }
            }
            return out;
        }
    }
}

package dev.gale.arrow;

import dev.gale.encoder.TextClassifier;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.types.pojo.Field;

import java.util.ArrayList;
import java.util.List;

/**
 * Sequence classification ({@link TextClassifier}), as transformers' {@code text-classification} pipeline with
 * {@code top_k=None}: {@code label} utf8 and {@code score} float32 (the best label), {@code labels}
 * list&lt;struct&lt;label utf8, score float32&gt;&gt; (every label, highest first). Texts may come with a pair
 * column; a null pair classifies the text alone. A null text gives nulls.
 */
public final class ClassifyScorer implements Scorer<EncodedRows> {
    public static final List<Field> FIELDS = List.of(Columns.utf8("label"), Columns.float32("score"),
            Columns.list("labels", Columns.struct(Columns.utf8("label"), Columns.float32("score"))));

    private final TextClassifier classifier;
    private final boolean pairs;

    /** {@code pairs}: the rows carry a second text (the pipeline's pair column). */
    public ClassifyScorer(TextClassifier classifier, boolean pairs) {
        this.classifier = classifier;
        this.pairs = pairs;
    }

    @Override
    public String task() {
        return "classify";
    }

    @Override
    public List<Field> fields() {
        return FIELDS;
    }

    @Override
    public int maxLength() {
        return classifier.maxLength();
    }

    @Override
    public EncodedRows prepare(Rows rows, BufferAllocator allocator) {
        return pairs ? EncodedRows.pairs(rows, classifier, null, false) : EncodedRows.texts(rows, classifier, "");
    }

    @Override
    public List<FieldVector> score(EncodedRows batch, BufferAllocator allocator) {
        List<TextClassifier.Classification> results = classifier.classify(batch.encodings, classifier.function());
        List<String> label = new ArrayList<>(results.size());
        List<Float> score = new ArrayList<>(results.size());
        List<List<Object[]>> labels = new ArrayList<>(results.size());
        for (TextClassifier.Classification c : results) {
            label.add(c.label());
            score.add(c.score());
            labels.add(c.labels().stream().map(l -> new Object[]{l.label(), l.score()}).toList());
        }
        return Columns.vectors(FIELDS, allocator, batch.spread(label), batch.spread(score), batch.spread(labels));
    }
}

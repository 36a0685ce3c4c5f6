package dev.gale.arrow;

import dev.gale.encoder.TokenClassifier;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.types.pojo.Field;

import java.util.ArrayList;
import java.util.List;

/**
 * Token classification ({@link TokenClassifier}), as transformers' {@code token-classification} pipeline:
 * {@code entities} list&lt;struct&gt;, each entity's fields named and ordered as the pipeline's dicts:
 * {@code entity_group, score, word, start, end} when aggregated, {@code entity, score, index, word, start, end}
 * for strategy {@code none} ({@code index}: the token's position, special tokens counted). {@code start} and
 * {@code end} count code points, as Python's string indices. A null text gives a null list.
 */
public final class NerScorer implements Scorer<EncodedRows> {
    private final TokenClassifier classifier;
    private final TokenClassifier.Aggregation aggregation;
    private final List<Field> fields;

    public NerScorer(TokenClassifier classifier, TokenClassifier.Aggregation aggregation) {
        this.classifier = classifier;
        this.aggregation = aggregation;
        this.fields = fields(aggregation);
    }

    /** The output column for {@code aggregation}. */
    public static List<Field> fields(TokenClassifier.Aggregation aggregation) {
        Field entity = aggregation == TokenClassifier.Aggregation.NONE
                ? Columns.struct(Columns.utf8("entity"), Columns.float32("score"), Columns.int32("index"), Columns.utf8("word"),
                        Columns.int32("start"), Columns.int32("end"))
                : Columns.struct(Columns.utf8("entity_group"), Columns.float32("score"), Columns.utf8("word"),
                        Columns.int32("start"), Columns.int32("end"));
        return List.of(Columns.list("entities", entity));
    }

    @Override
    public String task() {
        return "tag";
    }

    @Override
    public List<Field> fields() {
        return fields;
    }

    @Override
    public int maxLength() {
        return classifier.maxLength();
    }

    @Override
    public EncodedRows prepare(Rows rows, BufferAllocator allocator) {
        return EncodedRows.texts(rows, classifier, "");
    }

    @Override
    public List<FieldVector> score(EncodedRows batch, BufferAllocator allocator) {
        List<List<TokenClassifier.Entity>> results = classifier.entities(batch.texts, batch.encodings, aggregation);
        boolean none = aggregation == TokenClassifier.Aggregation.NONE;
        List<List<Object[]>> entities = new ArrayList<>(results.size());
        for (List<TokenClassifier.Entity> text : results) {
            entities.add(text.stream().map(e -> none
                    ? new Object[]{e.label(), e.score(), e.index(), e.word(), e.start(), e.end()}
                    : new Object[]{e.label(), e.score(), e.word(), e.start(), e.end()}).toList());
        }
        return Columns.vectors(fields, allocator, batch.spread(entities));
    }
}

package dev.gale.arrow;

import dev.gale.encoder.FillMask;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.types.pojo.Field;

import java.util.ArrayList;
import java.util.List;

/**
 * Masked-token prediction ({@link FillMask}), as transformers' {@code fill-mask} pipeline: {@code predictions}
 * list&lt;list&lt;struct&lt;score float32, token int32, token_str utf8, sequence utf8&gt;&gt;&gt;, one inner list per
 * mask token of the text (in text order), best first. JSONL writes a text with one mask as the pipeline returns
 * it, a flat list (see {@link JsonlSink}). A text without the mask token is an error naming its row; a null
 * text gives a null list.
 */
public final class FillMaskScorer implements Scorer<EncodedRows> {
    public static final String PREDICTIONS = "predictions";
    public static final List<Field> FIELDS = List.of(Columns.list(PREDICTIONS, Columns.list("item",
            Columns.struct(Columns.float32("score"), Columns.int32("token"), Columns.utf8("token_str"), Columns.utf8("sequence")))));

    private final FillMask fill;
    private final int topK;

    public FillMaskScorer(FillMask fill, int topK) {
        if (topK < 1) {
            throw new IllegalArgumentException("--top-k must be at least 1, got " + topK);
        }
        this.fill = fill;
        this.topK = topK;
    }

    @Override
    public String task() {
        return "fill";
    }

    @Override
    public List<Field> fields() {
        return FIELDS;
    }

    @Override
    public int maxLength() {
        return fill.maxLength();
    }

    @Override
    public EncodedRows prepare(Rows rows, BufferAllocator allocator) {
        return EncodedRows.texts(rows, fill, "");
    }

    @Override
    public List<FieldVector> score(EncodedRows batch, BufferAllocator allocator) {
        List<List<List<FillMask.Prediction>>> results;
        try {
            results = fill.fillEncodings(batch.encodings, topK);
        } catch (FillMask.NoMaskException e) {
            int i = e.index();
            throw new BadInputException(batch.where(i) + ": the text has no mask token " + fill.maskToken()
                    + (batch.encodings.get(i).truncated() ? " within its first " + fill.maxLength() + " tokens" : ""));
        }
        List<List<List<Object[]>>> predictions = new ArrayList<>(results.size());
        for (List<List<FillMask.Prediction>> text : results) {
            predictions.add(text.stream().map(mask -> mask.stream()
                    .map(p -> new Object[]{p.score(), p.token(), p.tokenStr(), p.sequence()}).toList()).toList());
        }
        return Columns.vectors(FIELDS, allocator, batch.spread(predictions));
    }
}

package dev.gale.arrow;

import dev.gale.encoder.TokenMemory;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.types.pojo.Field;

import java.util.List;

/**
 * What {@link ScoringPipeline} runs on each batch: the encoder stage of a task (embed, classify, rerank, ...).
 * {@link #prepare} runs on the tokenizer pool, several batches at once; {@link #score} on the one encoder
 * thread, batches in input order. The columns it returns are appended to the kept input columns.
 *
 * @param <P> a batch made ready for the encoder (its token ids)
 */
public interface Scorer<P extends Scorer.Prepared> {

    /** A batch made ready for the encoder; closed by the pipeline once scored, or when the run fails. */
    interface Prepared extends AutoCloseable {
        /** Tokens the encoder will read. */
        long tokens();

        /** Texts (or pairs) cut to the max length. */
        long truncated();

        /** Rows whose output is null (a null text, or a null pair where the task needs one). */
        long nulls();

        @Override
        void close();
    }

    /**
     * One batch of input rows, as read.
     *
     * @param text     the text column (Utf8 or LargeUtf8)
     * @param pair     the second text column (--pair-column), or null
     * @param firstRow the input row number of row 0
     * @param source   the input, for {@link #where}
     * @param truncate cut texts over the max length (else fail naming the row)
     * @param memory   a device's input region for the token ids (see {@link #tokenMemory()}), or null
     */
    record Rows(FieldVector text, FieldVector pair, long firstRow, TableSource source, boolean truncate, TokenMemory memory) {
        public int count() {
            return text.getValueCount();
        }

        /** Where row {@code r} of this batch is, for error messages ("in.jsonl:7", "in.parquet, row 6"). */
        public String where(long r) {
            return source.where(firstRow + r);
        }
    }

    /** The task as a verb, for messages: "embed", "classify". */
    String task();

    /** The output columns, in order. */
    List<Field> fields();

    /** Tokens per text (or pair), special tokens included. */
    int maxLength();

    /**
     * Where a device backend reads token ids in place, or null (the CPU, and the task heads, which copy the
     * ids of their batches).
     */
    default TokenMemory.Pool tokenMemory() {
        return null;
    }

    /** Tokenizes a batch; a bad text is a {@link BadInputException} naming its row by {@link Rows#where}. */
    P prepare(Rows rows, BufferAllocator allocator);

    /**
     * Runs the encoder over a prepared batch: one vector per {@link #fields()} entry, each with the batch's
     * row count, null where the output is null.
     */
    List<FieldVector> score(P prepared, BufferAllocator allocator);
}

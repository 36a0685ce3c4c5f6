package dev.gale.arrow;

import dev.gale.encoder.TokenBatch;
import dev.gale.encoder.TokenMemory;
import dev.gale.encoder.tokenizer.Encoding;
import dev.gale.encoder.tokenizer.Tokenizer;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.ForeignAllocation;
import org.apache.arrow.vector.BaseLargeVariableWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.ipc.message.ArrowFieldNode;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.LongFunction;

/**
 * The token ids of a text column as an Arrow {@code List<Int32>} vector. Its values and offsets buffers
 * are exactly a padding-free {@link TokenBatch}: {@link #batch()} is a view of them, not a copy.
 * A null text gives a null, empty list, which the encoder pools to zeros.
 * <pre>  R rows, T tokens; ids values int32 (T), ids offsets int32 (R + 1) </pre>
 */
public final class TokenColumn implements Scorer.Prepared {
    private static final Field FIELD = new Field("ids", FieldType.nullable(ArrowType.List.INSTANCE),
            List.of(new Field("item", FieldType.notNullable(new ArrowType.Int(32, true)), null)));

    final ListVector ids;
    final long tokens;
    final long truncated;
    final long nulls;

    private TokenColumn(ListVector ids, long tokens, long truncated, long nulls) {
        this.ids = ids;
        this.tokens = tokens;
        this.truncated = truncated;
        this.nulls = nulls;
    }

    /**
     * Tokenizes every row of {@code text} (Utf8 or LargeUtf8). Invalid UTF-8, or a text over the max length
     * when {@code truncate} is off, is a {@link BadInputException} naming the row by {@code where}.
     */
    public static TokenColumn tokenize(FieldVector text, Tokenizer tokenizer, int maxLength, boolean truncate,
                                       BufferAllocator allocator, LongFunction<String> where) {
        return tokenize(text, tokenizer, maxLength, truncate, allocator, where, null);
    }

    /**
     * As above; with {@code memory} (a device's input region, see {@link TokenMemory}) the vector's values
     * and offsets buffers are Arrow buffers over that memory, so the device reads the ids where the
     * tokenizer wrote them. The region goes back to its pool when the vector is closed. It must hold the
     * rows at {@code maxLength} tokens each.
     */
    public static TokenColumn tokenize(FieldVector text, Tokenizer tokenizer, int maxLength, boolean truncate,
                                       BufferAllocator allocator, LongFunction<String> where, TokenMemory memory) {
        return tokenize(text, "", tokenizer, maxLength, truncate, allocator, where, memory);
    }

    /** As above, each text prefixed with {@code prompt} (sentence-transformers' prompts; "" for none). */
    public static TokenColumn tokenize(FieldVector text, String prompt, Tokenizer tokenizer, int maxLength, boolean truncate,
                                       BufferAllocator allocator, LongFunction<String> where, TokenMemory memory) {
        int rows = text.getValueCount();
        ListVector ids = (ListVector) FIELD.createVector(allocator);
        try {
            IntVector values = (IntVector) ids.getDataVector();
            if (memory == null) {
                ids.setInitialCapacity(rows);
                ids.allocateNew();
            } else {
                over(ids, memory, rows, allocator);
            }
            CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
            ArrowBuf offsets = ids.getOffsetBuffer();
            MemorySegment data = ArrowMemory.segment(values.getDataBuffer(), values.getDataBuffer().capacity());
            int position = 0;
            long truncated = 0;
            long nulls = 0;
            offsets.setInt(0, 0);
            for (int r = 0; r < rows; r++) {
                if (text.isNull(r)) {
                    nulls++;
                } else {
                    Encoding encoding = tokenizer.encode(prompt + decode(text, r, utf8, where), maxLength);
                    if (encoding.truncated()) {
                        if (!truncate) {
                            int all = tokenizer.encode(prompt + decode(text, r, utf8, where), 0).ids().length;
                            throw new BadInputException(where.apply(r) + ": text has " + all + " tokens, more than the max length "
                                    + maxLength + " (truncation is off)");
                        }
                        truncated++;
                    }
                    int[] tokenIds = encoding.ids();
                    if (values.getValueCapacity() < position + tokenIds.length) {
                        if (memory != null) {
                            throw new IllegalStateException("the device's input region holds " + memory.tokens() + " tokens, row "
                                    + r + " needs " + (position + tokenIds.length));
                        }
                        while (values.getValueCapacity() < position + tokenIds.length) {
                            values.reAlloc();
                        }
                        data = ArrowMemory.segment(values.getDataBuffer(), values.getDataBuffer().capacity());
                    }
                    MemorySegment.copy(tokenIds, 0, data, ValueLayout.JAVA_INT_UNALIGNED, 4L * position, tokenIds.length);
                    position += tokenIds.length;
                    ids.setNotNull(r);
                }
                offsets.setInt(4L * (r + 1), position);
            }
            values.getValidityBuffer().setOne(0, (position + 7) / 8);
            values.setValueCount(position);
            ids.setLastSet(rows - 1);
            ids.setValueCount(rows);
            return new TokenColumn(ids, position, truncated, nulls);
        } catch (RuntimeException | Error e) {
            ids.close();
            throw e;
        }
    }

    /**
     * Points {@code ids} at {@code memory}: one Arrow allocation wraps the region (its release returns the
     * region to the pool), the offsets and values buffers are slices of it; validity bits are fresh, all null.
     * (A null count strictly between 0 and the length makes Arrow keep the validity buffers given here.)
     */
    private static void over(ListVector ids, TokenMemory memory, int rows, BufferAllocator allocator) {
        if (rows > memory.sequences()) {
            memory.release();
            throw new IllegalStateException("the device's input region holds " + memory.sequences() + " rows, the batch has " + rows);
        }
        MemorySegment idsMemory = memory.ids();
        MemorySegment offsetsMemory = memory.offsets();
        long low = Math.min(idsMemory.address(), offsetsMemory.address());
        long high = Math.max(idsMemory.address() + idsMemory.byteSize(), offsetsMemory.address() + offsetsMemory.byteSize());
        ArrowBuf whole = allocator.wrapForeignAllocation(new ForeignAllocation(high - low, low) {
            @Override
            protected void release0() {
                memory.release();
            }
        });
        int tokens = (int) memory.tokens();
        try (whole;
             ArrowBuf rowValidity = zeroed(allocator, (rows + 7) / 8);
             ArrowBuf tokenValidity = zeroed(allocator, (tokens + 7) / 8)) {
            // the vectors take their own references; these three are dropped at the end of the block
            ids.loadFieldBuffers(new ArrowFieldNode(rows, 1),
                    List.of(rowValidity, whole.slice(offsetsMemory.address() - low, offsetsMemory.byteSize())));
            ids.getDataVector().loadFieldBuffers(new ArrowFieldNode(tokens, 1),
                    List.of(tokenValidity, whole.slice(idsMemory.address() - low, idsMemory.byteSize())));
        }
    }

    private static ArrowBuf zeroed(BufferAllocator allocator, long bytes) {
        ArrowBuf buffer = allocator.buffer(Math.max(bytes, 8));
        buffer.setZero(0, buffer.capacity());
        return buffer;
    }

    /** Every row of a Utf8 / LargeUtf8 vector, decoded strictly as {@link #tokenize} does; null for a null row. */
    public static String[] texts(FieldVector text, LongFunction<String> where) {
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        String[] texts = new String[text.getValueCount()];
        for (int r = 0; r < texts.length; r++) {
            texts[r] = text.isNull(r) ? null : decode(text, r, utf8, where);
        }
        return texts;
    }

    /** Row {@code r} of a Utf8 / LargeUtf8 vector, decoded strictly. */
    private static String decode(FieldVector text, int r, CharsetDecoder utf8, LongFunction<String> where) {
        long start;
        long end;
        if (text instanceof BaseVariableWidthVector v) {
            start = v.getStartOffset(r);
            end = v.getStartOffset(r + 1);
        } else if (text instanceof BaseLargeVariableWidthVector v) {
            start = v.getOffsetBuffer().getLong(8L * r);
            end = v.getOffsetBuffer().getLong(8L * (r + 1));
        } else {
            throw new IllegalArgumentException("not a string vector: " + text.getField());
        }
        ByteBuffer bytes = text.getDataBuffer().nioBuffer(start, (int) (end - start));
        try {
            return utf8.decode(bytes).toString();
        } catch (CharacterCodingException e) {
            throw new BadInputException(where.apply(r) + ": invalid UTF-8 in the text");
        }
    }

    /** The ids: {@code List<Int32>}, one list per row. */
    public ListVector ids() {
        return ids;
    }

    @Override
    public long tokens() {
        return tokens;
    }

    @Override
    public long truncated() {
        return truncated;
    }

    /** Null texts: null, empty lists. */
    @Override
    public long nulls() {
        return nulls;
    }

    public int rows() {
        return ids.getValueCount();
    }

    /** The padding-free batch over this vector's own buffers. */
    public TokenBatch batch() {
        int rows = rows();
        return new TokenBatch(ArrowMemory.segment(ids.getDataVector().getDataBuffer(), 4 * tokens), null,
                ArrowMemory.segment(ids.getOffsetBuffer(), 4L * (rows + 1)), rows);
    }

    @Override
    public void close() {
        ids.close();
    }
}

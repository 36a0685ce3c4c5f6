package dev.gale.arrow;

import dev.gale.encoder.EmbeddingModel;
import dev.gale.encoder.TokenBatch;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The seams between stages are views, not copies: the encoder reads token ids from the very memory of the
 * tokenizer's Arrow {@code List<Int32>} vector and writes embeddings into the very memory of the output
 * {@code FixedSizeList<Float32>} vector.
 */
class ZeroCopyTest {
    private static final List<String> TEXTS = Arrays.asList("The cat sits on the mat.", null, "", "A feline rests on a rug.",
            "Zero copies between the tokenizer and the encoder.");

    @Test
    void encoderReadsTheTokenVectorAndWritesTheEmbeddingVector() {
        try (BufferAllocator allocator = new RootAllocator();
             EmbeddingModel model = EmbeddingModel.load("all-minilm-l6-v2");
             VarCharVector text = new VarCharVector("text", allocator)) {
            text.allocateNew();
            for (int r = 0; r < TEXTS.size(); r++) {
                if (TEXTS.get(r) != null) {
                    text.setSafe(r, TEXTS.get(r).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                }
            }
            text.setValueCount(TEXTS.size());

            try (TokenColumn tokens = TokenColumn.tokenize(text, model.tokenizer(), model.maxLength(), true, allocator, r -> "row " + r);
                 FixedSizeListVector embedding = EmbeddingColumn.allocate(model.dimensions(), TEXTS.size(), allocator)) {
                ListVector ids = tokens.ids();
                TokenBatch batch = tokens.batch();
                // the batch's segments start at the Arrow buffers' own addresses
                assertEquals(ids.getDataVector().getDataBuffer().memoryAddress(), batch.ids().address());
                assertEquals(ids.getOffsetBuffer().memoryAddress(), batch.offsets().address());
                // and hold what the Hugging Face-exact tokenizer gives for each text; the null row is empty
                for (int r = 0; r < TEXTS.size(); r++) {
                    int[] want = TEXTS.get(r) == null ? new int[0] : model.tokenizer().encode(TEXTS.get(r), model.maxLength()).ids();
                    int[] got = new int[batch.length(r)];
                    for (int i = 0; i < got.length; i++) {
                        got[i] = batch.id(batch.start(r) + i);
                    }
                    assertArrayEquals(want, got, "row " + r);
                }

                Float4Vector data = (Float4Vector) embedding.getDataVector();
                long address = data.getDataBuffer().memoryAddress();
                MemorySegment out = EmbeddingColumn.data(embedding);
                assertEquals(address, out.address());
                model.embed(batch, out);
                assertEquals(address, data.getDataBuffer().memoryAddress(), "the vector was not reallocated");

                List<float[]> expected = model.embed(TEXTS.stream().map(t -> t == null ? "" : t).toList());
                for (int r = 0; r < TEXTS.size(); r++) {
                    float[] row = new float[model.dimensions()];
                    for (int i = 0; i < row.length; i++) {
                        row[i] = data.get(r * row.length + i);
                    }
                    if (TEXTS.get(r) == null) {
                        assertArrayEquals(new float[row.length], row, "a null row pools to zeros");
                    } else {
                        assertArrayEquals(expected.get(r), row, 1e-6f, "row " + r);
                    }
                }
            }
        }
    }
}

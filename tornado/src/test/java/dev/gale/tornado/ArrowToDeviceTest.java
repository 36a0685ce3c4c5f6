package dev.gale.tornado;

import dev.gale.arrow.EmbeddingPipeline;
import dev.gale.arrow.ScoringPipeline;
import dev.gale.arrow.TableFormat;
import dev.gale.arrow.TokenColumn;
import dev.gale.encoder.Corpus;
import dev.gale.encoder.EmbeddingModel;
import dev.gale.encoder.ReferenceModels;
import dev.gale.encoder.TokenMemory;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.ac.manchester.tornado.api.types.arrays.TornadoNativeArray;

import java.io.FileInputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Token ids from an Arrow batch to the device without a host-side copy: the tokenizer's {@code List<Int32>}
 * vector lies over a device input slot (TornadoVM's array header in front of the Arrow values), the slot's
 * input graph transfers those bytes, and the embeddings match the CPU backend's on the same texts.
 */
class ArrowToDeviceTest {
    private static EmbeddingModel device;
    private static EmbeddingModel cpu;
    private static List<String> texts;

    @BeforeAll
    static void load() {
        device = EmbeddingModel.load("all-minilm-l6-v2", new EmbeddingModel.Options(null, null, 0, 0, 0, 1024, "tornado"));
        cpu = EmbeddingModel.load("all-minilm-l6-v2");
        texts = new ArrayList<>();
        List<String> corpus = Corpus.texts();
        for (int i = 7; i < corpus.size(); i += 61) {
            texts.add(corpus.get(i));
        }
        texts.add("");
    }

    @AfterAll
    static void close() {
        device.close();
        cpu.close();
    }

    @Test
    void idsReachTheDeviceFromTheArrowBuffersThemselves() throws Exception {
        try (BufferAllocator allocator = new RootAllocator(); VarCharVector text = new VarCharVector("text", allocator)) {
            text.allocateNew();
            for (int r = 0; r < texts.size(); r++) {
                text.setSafe(r, texts.get(r).getBytes(StandardCharsets.UTF_8));
            }
            text.setNull(texts.size());
            text.setValueCount(texts.size() + 1);

            TokenMemory.Pool pool = device.tokenMemory();
            assertNotNull(pool, "a TornadoVM model offers input slots");
            TokenMemory memory = pool.poll(0);
            InputSlot slot = (InputSlot) memory;
            long before = slot.tokensRead;
            float[] actual = new float[text.getValueCount() * device.dimensions()];
            try (TokenColumn column = TokenColumn.tokenize(text, device.tokenizer(), device.maxLength(), true, allocator, r -> "row " + r, memory)) {
                long values = column.ids().getDataVector().getDataBuffer().memoryAddress();
                long offsets = column.ids().getOffsetBuffer().memoryAddress();
                // the Arrow buffers are the TornadoVM arrays' data, with the arrays' header right in front
                assertEquals(slot.deviceIds.getSegment().address(), values);
                assertEquals(slot.deviceIds.getSegmentWithHeader().address() + TornadoNativeArray.ARRAY_HEADER, values);
                assertEquals(slot.deviceOffsets.getSegment().address(), offsets);
                assertEquals(slot.deviceIds.getSize(), slot.deviceIds.getSegmentWithHeader().getAtIndex(ValueLayout.JAVA_INT, 0),
                        "TornadoVM's header (the element count) sits in front of the Arrow values");
                // what Arrow reads back is what TornadoVM will transfer
                List<?> first = column.ids().getObject(0);
                for (int i = 0; i < first.size(); i++) {
                    assertEquals(first.get(i), slot.deviceIds.get(i));
                }

                device.embed(column.batch(), MemorySegment.ofArray(actual));
                assertEquals(before + column.tokens(), slot.tokensRead, "every token read from the slot, in place");
            }
            assertEquals(TornadoEncoder.PIPELINE_SLOTS, free(pool), "closing the Arrow vector returned the slot");

            List<float[]> expected = cpu.embed(texts);
            for (int r = 0; r < texts.size(); r++) {
                float[] row = new float[device.dimensions()];
                System.arraycopy(actual, r * row.length, row, 0, row.length);
                assertTrue(ReferenceModels.cosine(expected.get(r), row) >= 0.99999, "row " + r);
                assertTrue(ReferenceModels.maxAbsDiff(expected.get(r), row) <= 1e-5, "row " + r);
            }
            for (int i = texts.size() * device.dimensions(); i < actual.length; i++) {
                assertEquals(0f, actual[i], "the null row pools to zeros");
            }
        }
    }

    /** Takes every free slot, counts them, and gives them back. */
    private static int free(TokenMemory.Pool pool) throws InterruptedException {
        List<TokenMemory> taken = new ArrayList<>();
        for (TokenMemory m; (m = pool.poll(0)) != null; ) {
            taken.add(m);
        }
        taken.forEach(TokenMemory::release);
        return taken.size();
    }

    @Test
    void thePipelineFeedsTheDeviceFromItsSlots(@TempDir Path dir) throws Exception {
        Path input = dir.resolve("texts.txt");
        List<String> lines = texts.stream().filter(t -> !t.isEmpty() && t.indexOf('\n') < 0 && t.indexOf('\r') < 0).toList();
        Files.write(input, lines);
        Path output = dir.resolve("out.arrow");
        long before = slotReads(device.tokenMemory());
        EmbeddingPipeline.Options options = new EmbeddingPipeline.Options("text", List.of(), true, 7, 2, 2);
        ScoringPipeline.Summary summary = EmbeddingPipeline.run(device, input.toString(), TableFormat.TEXT, output.toString(),
                TableFormat.ARROW, options, (rows, tokens) -> {});
        assertEquals(summary.tokens(), slotReads(device.tokenMemory()) - before, "every token read in place from the slots");

        List<float[]> expected = cpu.embed(lines);
        try (BufferAllocator allocator = new RootAllocator();
             ArrowFileReader reader = new ArrowFileReader(new FileInputStream(output.toFile()).getChannel(), allocator)) {
            int row = 0;
            while (reader.loadNextBatch()) {
                FieldVector v = reader.getVectorSchemaRoot().getVector("embedding");
                FixedSizeListVector embedding = (FixedSizeListVector) v;
                for (int r = 0; r < embedding.getValueCount(); r++, row++) {
                    List<?> values = embedding.getObject(r);
                    float[] actual = new float[values.size()];
                    for (int i = 0; i < actual.length; i++) {
                        actual[i] = (Float) values.get(i);
                    }
                    assertTrue(ReferenceModels.cosine(expected.get(row), actual) >= 0.99999, "row " + row);
                }
            }
            assertEquals(expected.size(), row);
        }
    }

    /** Tokens the device has read in place from its pipeline slots (all free between runs). */
    private static long slotReads(TokenMemory.Pool pool) throws InterruptedException {
        List<TokenMemory> taken = new ArrayList<>();
        for (TokenMemory m; (m = pool.poll(0)) != null; ) {
            taken.add(m);
        }
        assertEquals(TornadoEncoder.PIPELINE_SLOTS, taken.size(), "every slot is free");
        long reads = taken.stream().mapToLong(m -> ((InputSlot) m).tokensRead).sum();
        taken.forEach(TokenMemory::release);
        return reads;
    }
}

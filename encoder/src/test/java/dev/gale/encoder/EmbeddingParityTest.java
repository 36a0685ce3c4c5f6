package dev.gale.encoder;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.gale.encoder.tokenizer.Encoding;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * End to end against independent references: each corpus text is tokenized by the Hugging Face
 * tokenizers (DJL), run through ONNX Runtime on the same ONNX file, and pooled here as the model's
 * sentence-transformers modules define it; Gale gets only the text.
 */
class EmbeddingParityTest {
    private static final double MIN_COSINE = 0.99999;
    private static final double MAX_DIFF = 1e-4;

    @Test
    void allMiniLmL6V2() throws Exception {
        // sentence-transformers config of all-MiniLM-L6-v2: max_seq_length 256, mean pooling, Normalize
        check(ReferenceModels.MINILM, 256, false);
    }

    @Test
    void bgeSmallEnV15() throws Exception {
        // sentence-transformers config of bge-small-en-v1.5: max_seq_length 512, CLS pooling, Normalize
        check(ReferenceModels.BGE, 512, true);
    }

    private void check(String name, int maxLength, boolean cls) throws Exception {
        List<String> texts = Corpus.all();
        try (EmbeddingModel gale = EmbeddingModel.load(name);
             HuggingFaceTokenizer hf = reference(name, maxLength);
             ReferenceModels.Ort ort = new ReferenceModels.Ort(name)) {
            assertEquals(maxLength, gale.maxLength());
            List<float[]> embeddings = gale.embed(texts);
            int hidden = gale.architecture().hiddenSize();
            int truncated = 0, shortest = Integer.MAX_VALUE;
            double worstCosine = 1, worstDiff = 0, worstStateDiff = 0;
            List<String> failures = new ArrayList<>();
            for (int t = 0; t < texts.size(); t++) {
                ai.djl.huggingface.tokenizers.Encoding ref = hf.encode(texts.get(t));
                int[] ids = toInts(ref.getIds());
                Encoding ours = gale.tokenize(List.of(texts.get(t))).getFirst();
                assertArrayEquals(ids, ours.ids(), "token ids of text " + t);
                truncated += ids.length == maxLength ? 1 : 0;
                shortest = Math.min(shortest, ids.length);

                float[] states = ort.hiddenStates(ids, null);
                float[] expected = ReferenceModels.pool(states, ids.length, hidden, cls);
                float[] actual = embeddings.get(t);
                double cosine = ReferenceModels.cosine(expected, actual);
                double diff = ReferenceModels.maxAbsDiff(expected, actual);
                worstCosine = Math.min(worstCosine, cosine);
                worstDiff = Math.max(worstDiff, diff);
                if (t % 10 == 0) {
                    worstStateDiff = Math.max(worstStateDiff, ReferenceModels.maxAbsDiff(states, gale.hiddenStates(ours)));
                }
                if (cosine < MIN_COSINE || diff > MAX_DIFF) {
                    failures.add("text " + t + " (" + ids.length + " tokens): cosine " + cosine + ", max |diff| " + diff);
                }
            }
            System.out.printf("%s: %d texts, %d truncated to %d, shortest %d tokens; worst cosine %.8f, worst max|diff| %.2e, "
                    + "worst hidden-state max|diff| %.2e%n", name, texts.size(), truncated, maxLength, shortest, worstCosine, worstDiff, worstStateDiff);
            assertTrue(failures.isEmpty(), failures.size() + " texts off: " + String.join("; ", failures.subList(0, Math.min(5, failures.size()))));
            assertTrue(worstStateDiff <= MAX_DIFF, "hidden states max |diff| " + worstStateDiff);
            assertTrue(truncated >= 20, "the corpus must include texts over the max length, found " + truncated);
            assertTrue(shortest <= 3, "the corpus must include near-empty texts, shortest is " + shortest + " tokens");
        }
    }

    static HuggingFaceTokenizer reference(String name, int maxLength) throws IOException {
        return HuggingFaceTokenizer.builder()
                .optTokenizerPath(ReferenceModels.tokenizer(name))
                .optAddSpecialTokens(true)
                .optPadding(false)
                .optTruncation(true)
                .optMaxLength(maxLength)
                .build();
    }

    private static int[] toInts(long[] ids) {
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = Math.toIntExact(ids[i]);
        }
        return out;
    }
}

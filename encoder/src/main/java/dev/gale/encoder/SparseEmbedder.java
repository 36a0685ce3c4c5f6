package dev.gale.encoder;

import dev.gale.encoder.model.SentenceTransformersConfig;
import dev.gale.encoder.nn.Head;
import dev.gale.encoder.tokenizer.Encoding;

import java.util.ArrayList;
import java.util.List;

/**
 * SPLADE sparse embeddings, as sentence-transformers' {@code SparseEncoder} (an MLM transformer and
 * {@code SpladePooling}: max over tokens of log(1 + relu(logits))) and TEI's {@code /embed_sparse}: one
 * weight per vocabulary entry, kept as the non-zero (index, value) pairs.
 * <pre>{@code
 * try (SparseEmbedder splade = SparseEmbedder.load("path/to/splade")) {
 *     SparseEmbedder.SparseVector v = splade.embed(List.of("a text")).getFirst();
 * }
 * }</pre>
 * The model is a SparseEncoder directory (its SpladePooling's strategy and activation are read) or any
 * masked-LM checkpoint (max pooling then).
 * Thread-safe.
 */
public final class SparseEmbedder extends EncoderTask {

    /** Non-zero entries, indices ascending. */
    public record SparseVector(int[] indices, float[] values) {}

    private final Head head;
    /** SpladePooling's log1p_relu: log1p once more, after the (max) pooling, which it commutes with. */
    private final boolean log1pAgain;

    private SparseEmbedder(String model, Options options) {
        super(model, options, h -> h.maskedLm() == null ? missing(h, "masked-LM (SPLADE)") : null);
        SentenceTransformersConfig.Splade splade = loaded().sentenceTransformers().splade();
        this.head = loaded().heads().maskedLm().splade(splade != null && splade.sum());
        this.log1pAgain = splade != null && splade.log1pRelu();
    }

    public static SparseEmbedder load(String model) {
        return load(model, Options.defaults());
    }

    public static SparseEmbedder load(String model, Options options) {
        return new SparseEmbedder(model, options);
    }

    /** The vocabulary size: the dense width of a vector. */
    public int dimensions() {
        return head.outputSize();
    }

    public List<SparseVector> embed(List<String> texts) {
        return embedEncodings(tokenize(texts));
    }

    public List<SparseVector> embedEncodings(List<Encoding> encodings) {
        float[] dense = run(encodings, head, null);
        int v = head.outputSize();
        List<SparseVector> out = new ArrayList<>(encodings.size());
        for (int s = 0; s < encodings.size(); s++) {
            int count = 0;
            for (int j = 0; j < v; j++) {
                if (dense[s * v + j] != 0f) {
                    count++;
                }
            }
            int[] idx = new int[count];
            float[] val = new float[count];
            for (int j = 0, k = 0; j < v; j++) {
                float x = log1pAgain ? (float) Math.log1p(dense[s * v + j]) : dense[s * v + j];
                if (x != 0f) {
                    idx[k] = j;
                    val[k++] = x;
                }
            }
            out.add(new SparseVector(idx, val));
        }
        return out;
    }
}

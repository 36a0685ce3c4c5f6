package dev.gale.encoder;

import dev.gale.encoder.bert.BertModel;
import dev.gale.encoder.model.BertConfig;
import dev.gale.encoder.model.LoadedModel;
import dev.gale.encoder.model.ModelLoader;
import dev.gale.encoder.tokenizer.Encoding;
import dev.gale.encoder.tokenizer.Tokenizer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Text in, sentence embeddings out:
 * <pre>{@code
 * try (EmbeddingModel model = EmbeddingModel.load("all-minilm-l6-v2")) {
 *     List<float[]> vectors = model.embed(List.of("first text", "second text"));
 * }
 * }</pre>
 * The model is a built-in alias, a Hugging Face directory or an ONNX export (see {@link ModelLoader}).
 * Safe to call from several threads at once.
 */
public final class EmbeddingModel implements AutoCloseable {

    /**
     * Choices over the model's own defaults. Null / 0 fields keep the model's value.
     *
     * @param pooling        pooling mode, or null for the model's
     * @param normalize      L2-normalize the output, or null for the model's
     * @param dimensions     keep the first N dimensions and renormalize (Matryoshka), or 0 for all
     * @param maxLength      tokens per text including special tokens (longer texts are truncated), or 0 for the model's
     * @param threads        CPU threads, or 0 for all available cores
     * @param maxBatchTokens tokens per encoder batch, bounding activation memory
     * @param device         where the encoder runs: "cpu" (null means the same), or a device id from {@link Backends}
     */
    public record Options(PoolingConfig.Mode pooling, Boolean normalize, int dimensions, int maxLength, int threads, int maxBatchTokens,
                          String device) {
        public static final int DEFAULT_MAX_BATCH_TOKENS = 8192;

        public Options {
            if (dimensions < 0 || maxLength < 0 || threads < 0 || maxBatchTokens < 0) {
                throw new IllegalArgumentException("options must not be negative");
            }
            if (device == null) {
                device = "cpu";
            }
        }

        /** The options on the CPU. */
        public Options(PoolingConfig.Mode pooling, Boolean normalize, int dimensions, int maxLength, int threads, int maxBatchTokens) {
            this(pooling, normalize, dimensions, maxLength, threads, maxBatchTokens, "cpu");
        }

        public static Options defaults() {
            return new Options(null, null, 0, 0, 0, 0);
        }
    }

    private final Arena arena;
    private final LoadedModel loaded;
    private final EncoderBackend encoder;
    private final PoolingConfig pooling;
    private final int maxLength;
    private final int maxBatchTokens;

    private EmbeddingModel(Arena arena, LoadedModel loaded, Options options) {
        this.arena = arena;
        this.loaded = loaded;
        BertConfig config = loaded.config();
        if (options.maxLength() > config.maxPositionEmbeddings()) {
            throw new IllegalArgumentException("max length " + options.maxLength() + " exceeds the model's "
                    + config.maxPositionEmbeddings() + " positions");
        }
        this.maxLength = options.maxLength() > 0 ? options.maxLength() : loaded.maxLength();
        PoolingConfig p = loaded.pooling();
        if (options.pooling() != null) {
            p = p.withMode(options.pooling());
        }
        if (options.normalize() != null) {
            p = p.withNormalize(options.normalize());
        }
        p = p.withDimensions(options.dimensions());
        p.outputSize(config.hiddenSize());
        this.pooling = p;
        this.maxBatchTokens = Math.max(options.maxBatchTokens() > 0 ? options.maxBatchTokens() : Options.DEFAULT_MAX_BATCH_TOKENS, maxLength);
        this.encoder = Backends.open(BertModel.load(config, loaded.weights()), options);
    }

    public static EmbeddingModel load(String model) {
        return load(model, Options.defaults());
    }

    public static EmbeddingModel load(String model, Options options) {
        Arena arena = Arena.ofShared();
        try {
            return new EmbeddingModel(arena, ModelLoader.load(model, arena), options);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    public float[] embed(String text) {
        return embed(List.of(text)).getFirst();
    }

    public List<float[]> embed(List<String> texts) {
        int dims = dimensions();
        float[] flat = new float[texts.size() * dims];
        embed(tokenize(texts), MemorySegment.ofArray(flat));
        List<float[]> result = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            float[] v = new float[dims];
            System.arraycopy(flat, i * dims, v, 0, dims);
            result.add(v);
        }
        return result;
    }

    /** Embeds already tokenized texts into {@code out}, (encodings, dimensions) float32 row-major. */
    public void embed(List<Encoding> encodings, MemorySegment out) {
        embed(TokenBatch.of(encodings.stream().map(Encoding::ids).toList(), encodings.stream().map(Encoding::typeIds).toList()), out);
    }

    /**
     * Embeds a padding-free batch of any size into {@code out}, (sequences, dimensions) float32 row-major,
     * running the encoder on consecutive slices of at most the max batch tokens. The slices are views of
     * {@code batch}, and each writes straight into its rows of {@code out}. An empty sequence gives a row of zeros.
     */
    public void embed(TokenBatch batch, MemorySegment out) {
        long rowBytes = (long) dimensions() * Float.BYTES;
        int n = batch.sequenceCount();
        if (out.byteSize() < n * rowBytes) {
            throw new IllegalArgumentException("output holds " + out.byteSize() + " bytes, " + n + " sequences need " + n * rowBytes);
        }
        int first = 0;
        while (first < n) {
            int end = first + 1;
            int tokens = batch.length(first);
            while (end < n && tokens + batch.length(end) <= maxBatchTokens) {
                tokens += batch.length(end);
                end++;
            }
            encoder.embed(batch.slice(first, end), pooling, out.asSlice(first * rowBytes, (end - first) * rowBytes));
            first = end;
        }
    }

    /**
     * Where a device backend reads token ids in place (see {@link TokenMemory}); null on the CPU, which
     * reads any {@link TokenBatch} where it lies.
     */
    public TokenMemory.Pool tokenMemory() {
        return encoder.tokenMemory();
    }

    /** Transfer and kernel time the device has measured so far; null on the CPU. */
    public DeviceTime deviceTime() {
        return encoder.deviceTime();
    }

    /** Token ids with special tokens, truncated to {@link #maxLength()}. */
    public List<Encoding> tokenize(List<String> texts) {
        List<Encoding> encodings = new ArrayList<>(texts.size());
        for (String text : texts) {
            encodings.add(loaded.tokenizer().encode(text, maxLength));
        }
        return encodings;
    }

    /** Last hidden states of one text, (tokens, hidden) row-major. */
    public float[] hiddenStates(Encoding encoding) {
        return encoder.hiddenStates(TokenBatch.of(List.of(encoding.ids()), List.of(encoding.typeIds())));
    }

    public int dimensions() {
        return pooling.outputSize(loaded.config().hiddenSize());
    }

    public int maxLength() {
        return maxLength;
    }

    public PoolingConfig pooling() {
        return pooling;
    }

    public BertConfig config() {
        return loaded.config();
    }

    public Tokenizer tokenizer() {
        return loaded.tokenizer();
    }

    public LoadedModel loaded() {
        return loaded;
    }


    @Override
    public void close() {
        encoder.close();
        arena.close();
    }
}

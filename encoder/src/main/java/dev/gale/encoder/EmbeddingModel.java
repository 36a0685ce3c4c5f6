package dev.gale.encoder;

import dev.gale.encoder.model.LoadedModel;
import dev.gale.encoder.model.ModelLoader;
import dev.gale.encoder.model.SentenceTransformersConfig;
import dev.gale.encoder.nn.Encoder;
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
    /** sentence-transformers' Dense modules after pooling, applied on the host; empty for most models. */
    private final List<SentenceTransformersConfig.Dense> dense;
    private final int width;   // the pooled (and projected) vector's width before Matryoshka truncation

    private EmbeddingModel(Arena arena, LoadedModel loaded, Options options) {
        this.arena = arena;
        this.loaded = loaded;
        Encoder encoder = loaded.encoder();
        if (loaded.sentenceTransformers().splade() != null) {
            throw new IllegalArgumentException(loaded.name() + " is a sentence-transformers SparseEncoder (SpladePooling): "
                    + "embed it with gale embed --sparse (SparseEmbedder)");
        }
        if (options.maxLength() > encoder.maxLength()) {
            throw new IllegalArgumentException("max length " + options.maxLength() + " exceeds the model's "
                    + encoder.maxLength() + " positions");
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
        this.dense = loaded.sentenceTransformers().dense();
        int w = encoder.hiddenSize();
        for (SentenceTransformersConfig.Dense d : dense) {
            if (d.in() != w) {
                throw new IllegalArgumentException("a Dense module takes " + d.in() + " features, the layer before gives " + w);
            }
            w = d.out();
        }
        this.width = w;
        p.outputSize(width);
        this.pooling = p;
        this.maxBatchTokens = Math.max(options.maxBatchTokens() > 0 ? options.maxBatchTokens() : Options.DEFAULT_MAX_BATCH_TOKENS, maxLength);
        this.encoder = Backends.open(encoder, options);
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

    /** Embeds {@code texts} with the model's default prompt (config_sentence_transformers.json), if it has one. */
    public List<float[]> embed(List<String> texts) {
        return embed(texts, defaultPrompt());
    }

    /**
     * Embeds {@code texts}, each prefixed with {@code prompt} (null or "" for none), as sentence-transformers'
     * {@code encode(prompt=...)} does: when the Pooling module excludes the prompt ({@code include_prompt:
     * false}), the prompt's tokens are left out of the pooling.
     */
    public List<float[]> embed(List<String> texts, String prompt) {
        return embedCounted(texts, prompt).vectors();
    }

    /** Vectors, one per text in order, and the number of tokens the encoder ran for them (special and prompt tokens included, after truncation). */
    public record Embedded(List<float[]> vectors, int tokens) {}

    /**
     * As {@link #embed(List, String)}, also counting the tokens (what an embedding API reports as its usage).
     * A null text is a one-line error naming its index.
     */
    public Embedded embedCounted(List<String> texts, String prompt) {
        int dims = dimensions();
        float[] flat = new float[Math.multiplyExact(texts.size(), dims)];   // (texts, dims)
        TokenBatch batch = tokenize(texts, prompt);
        embed(batch, MemorySegment.ofArray(flat), promptTokens(prompt));
        List<float[]> result = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            float[] v = new float[dims];
            System.arraycopy(flat, i * dims, v, 0, dims);
            result.add(v);
        }
        return new Embedded(result, batch.tokenCount());
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
        embed(batch, out, 0);
    }

    /**
     * As {@link #embed(TokenBatch, MemorySegment)}, for sequences that begin with a prompt of
     * {@code promptTokens} tokens ({@link #promptTokens(String)}), which pooling leaves out.
     */
    public void embed(TokenBatch batch, MemorySegment out, int promptTokens) {
        PoolingConfig pooling = this.pooling.withSkipTokens(promptTokens);
        long rowBytes = (long) dimensions() * Float.BYTES;
        int n = batch.sequenceCount();
        if (out.byteSize() < n * rowBytes) {
            throw new IllegalArgumentException("output holds " + out.byteSize() + " bytes, " + n + " sequences need " + n * rowBytes);
        }
        int[] cuts = batch.cuts(maxBatchTokens);
        for (int c = 0; c + 1 < cuts.length; c++) {
            int first = cuts[c], end = cuts[c + 1];
            MemorySegment rows = out.asSlice(first * rowBytes, (end - first) * rowBytes);
            if (dense.isEmpty()) {
                encoder.embed(batch.slice(first, end), pooling, rows);
            } else {
                denseEmbed(batch.slice(first, end), pooling, rows);
            }
        }
    }

    /**
     * The last hidden state of every token of a padding-free batch, special (and prompt) tokens included, as
     * TEI's {@code /embed_all} and sentence-transformers' {@code token_embeddings}: (tokens, hidden) float32
     * row-major into {@code out}, in the batch's token order, computed in slices of at most the max batch tokens.
     */
    public void tokenEmbeddings(TokenBatch batch, MemorySegment out) {
        long rowBytes = (long) loaded.encoder().hiddenSize() * Float.BYTES;
        if (out.byteSize() < batch.tokenCount() * rowBytes) {
            throw new IllegalArgumentException("output holds " + out.byteSize() + " bytes, " + batch.tokenCount() + " tokens need "
                    + batch.tokenCount() * rowBytes);
        }
        int[] cuts = batch.cuts(maxBatchTokens);
        for (int c = 0; c + 1 < cuts.length; c++) {
            TokenBatch slice = batch.slice(cuts[c], cuts[c + 1]);
            if (slice.tokenCount() > 0) {
                float[] states = encoder.hiddenStates(slice);   // (tokens, hidden)
                MemorySegment.copy(states, 0, out, java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, batch.start(cuts[c]) * rowBytes,
                        states.length);
            }
        }
    }

    /** Pooled on the backend, then the Dense modules, Normalize and Matryoshka truncation here. */
    private void denseEmbed(TokenBatch batch, PoolingConfig pooling, MemorySegment out) {
        int hidden = loaded.encoder().hiddenSize();
        int n = batch.sequenceCount();
        float[] pooled = new float[n * hidden];
        encoder.embed(batch, new PoolingConfig(pooling.mode(), false, 0, pooling.skipTokens()), MemorySegment.ofArray(pooled));
        int dims = pooling.outputSize(width);
        for (int s = 0; s < n; s++) {
            float[] x = java.util.Arrays.copyOfRange(pooled, s * hidden, (s + 1) * hidden);
            for (SentenceTransformersConfig.Dense d : dense) {
                float[] y = new float[d.out()];
                d.apply(x, y);
                x = y;
            }
            if (pooling.normalize()) {
                normalize(x, dims);   // over the kept dimensions, as the backends' pooling does
            }
            MemorySegment.copy(x, 0, out, java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, (long) s * dims * Float.BYTES, dims);
        }
    }

    /** x[0, n) /= max(|x[0, n)|, 1e-12), as sentence-transformers' Normalize. */
    private static void normalize(float[] x, int n) {
        double norm = 0;
        for (int i = 0; i < n; i++) {
            norm += (double) x[i] * x[i];
        }
        float inv = (float) (1 / Math.max(Math.sqrt(norm), 1e-12));
        for (int i = 0; i < n; i++) {
            x[i] *= inv;
        }
    }

    /** The text of the prompt named {@code name} in config_sentence_transformers.json, or a one-line error naming the prompts. */
    public String prompt(String name) {
        String text = loaded.sentenceTransformers().prompts().get(name);
        if (text == null) {
            throw new IllegalArgumentException("prompt name '" + name + "' is not one of the model's prompts "
                    + loaded.sentenceTransformers().prompts().keySet());
        }
        return text;
    }

    /** The default prompt's text (default_prompt_name), or null. */
    public String defaultPrompt() {
        String name = loaded.sentenceTransformers().defaultPromptName();
        return name == null ? null : loaded.sentenceTransformers().prompts().get(name);
    }

    /**
     * How many leading tokens of a text prefixed by {@code prompt} pooling leaves out: 0 when the Pooling
     * module includes the prompt; else the prompt's own token count, less a trailing special token, as
     * sentence-transformers' {@code _get_prompt_length} counts it.
     */
    public int promptTokens(String prompt) {
        if (prompt == null || prompt.isEmpty() || loaded.sentenceTransformers().includePrompt()) {
            return 0;
        }
        Encoding e = loaded.tokenizer().encode(prompt, maxLength);
        int n = e.ids().length;
        return n > 0 && e.specialTokensMask()[n - 1] == 1 ? n - 1 : n;
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

    /**
     * {@code texts}, each prefixed with {@code prompt} (null or "" for none), tokenized into one padding-free batch
     * for {@link #embed(TokenBatch, MemorySegment, int)} (with {@link #promptTokens(String)} of the prompt). A null
     * text is a one-line error naming its index.
     */
    public TokenBatch tokenize(List<String> texts, String prompt) {
        List<String> inputs = new ArrayList<>(texts.size());
        for (String t : texts) {
            if (t == null) {
                throw new IllegalArgumentException("text " + inputs.size() + " is null; Gale embeds text");
            }
            inputs.add(prompt == null || prompt.isEmpty() ? t : prompt + t);
        }
        List<Encoding> encodings = tokenize(inputs);
        return TokenBatch.of(encodings.stream().map(Encoding::ids).toList(), encodings.stream().map(Encoding::typeIds).toList());
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
        return pooling.outputSize(width);
    }

    public int maxLength() {
        return maxLength;
    }

    public PoolingConfig pooling() {
        return pooling;
    }

    /** The family's recipe: hidden size, max length, layers, options. */
    public Encoder architecture() {
        return loaded.encoder();
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

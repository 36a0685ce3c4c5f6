package dev.gale.server;

import dev.gale.encoder.EmbeddingModel;
import dev.gale.encoder.EncoderTask;
import dev.gale.encoder.FillMask;
import dev.gale.encoder.PoolingConfig;
import dev.gale.encoder.Reranker;
import dev.gale.encoder.Scheduler;
import dev.gale.encoder.SparseEmbedder;
import dev.gale.encoder.TextClassifier;
import dev.gale.encoder.TokenBatch;
import dev.gale.encoder.TokenClassifier;
import dev.gale.encoder.model.LoadedModel;
import dev.gale.encoder.model.ModelLoader;
import dev.gale.encoder.tokenizer.EncodeOptions;
import dev.gale.encoder.tokenizer.Encoding;
import dev.gale.encoder.tokenizer.Tokenizer;
import dev.gale.encoder.tokenizer.Truncation;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The served model and its {@link Scheduler}: one model per process, as TEI. What the model is decides what it
 * serves, as TEI's model types: a sequence classifier with one label is a reranker ({@code /rerank},
 * {@code /predict}), with more a classifier ({@code /predict}); a sentence-transformers SparseEncoder serves
 * {@code /embed_sparse}; anything else is an embedding model ({@code /embed}, {@code /embed_all},
 * {@code /v1/embeddings}). Requests become {@link Job}s: tokenized on the scheduler's pool, run in padding-free
 * batches of at most max-batch-tokens on its encoder thread.
 */
final class Inference implements AutoCloseable {

    enum Kind { EMBEDDING, SPARSE, CLASSIFIER, RERANKER, TOKEN_CLASSIFIER, FILL_MASK }

    /** What a job computes; jobs of one task (and prompt, aggregation or top-k) share an encoder pass. */
    enum Task { POOLED, TOKENS, SPARSE, LOGITS, RERANK, ENTITIES, FILL }

    private record Key(Task task, int promptTokens, Object parameter) {}

    /** One request's sequences and, once run, their results. */
    static final class Job extends Scheduler.Job {
        final Task task;
        final List<Encoding> encodings;
        final int promptTokens;
        /** ENTITIES: the aggregation strategy; FILL: top-k. */
        final Object parameter;
        /** ENTITIES: the texts the encodings are of. */
        final List<String> texts;
        private final int tokens;
        /** POOLED: (sequences, dims); TOKENS: per sequence (tokens, hidden); LOGITS: (sequences, labels); RERANK: (sequences). */
        float[][] rows;
        List<SparseEmbedder.SparseVector> sparse;
        List<List<TokenClassifier.Entity>> entities;
        List<List<List<FillMask.Prediction>>> predictions;

        Job(Task task, List<Encoding> encodings, int promptTokens) {
            this(task, encodings, promptTokens, null, null);
        }

        Job(Task task, List<Encoding> encodings, int promptTokens, Object parameter, List<String> texts) {
            this.task = task;
            this.encodings = encodings;
            this.promptTokens = promptTokens;
            this.parameter = parameter;
            this.texts = texts;
            int t = 0;
            for (Encoding e : encodings) {
                t += e.length();
            }
            this.tokens = t;
        }

        @Override
        public int tokens() {
            return tokens;
        }

        @Override
        public Object batchKey() {
            return new Key(task, promptTokens, parameter);
        }
    }

    final Kind kind;
    final String modelId;
    final Tokenizer tokenizer;
    final int maxInputLength;
    private final EncoderTask task;          // the classifier, reranker or SPLADE model; null for embeddings
    private final EmbeddingModel embedder;   // null unless an embedding model
    private final Scheduler<Job> scheduler;

    private Inference(Kind kind, String modelId, EmbeddingModel embedder, EncoderTask task, ServeOptions options,
                      Scheduler.Listener listener) {
        this.kind = kind;
        this.modelId = modelId;
        this.embedder = embedder;
        this.task = task;
        this.tokenizer = embedder != null ? embedder.tokenizer() : task.tokenizer();
        this.maxInputLength = embedder != null ? embedder.maxLength() : task.maxLength();
        this.scheduler = new Scheduler<>(new Scheduler.Options(options.maxBatchTokens(), options.maxBatchRequests(),
                options.tokenizationWorkers(), "gale-serve"), this::run, listener);
    }

    /** Loads {@code model} as the kind of model it is, on {@code options.device()}. */
    static Inference load(ServeOptions options, Scheduler.Listener listener) {
        Kind kind;
        try (Arena probe = Arena.ofConfined()) {
            LoadedModel m = ModelLoader.load(options.model(), probe);
            if (m.heads().sequenceClassification() != null) {
                kind = m.heads().labels().size() == 1 ? Kind.RERANKER : Kind.CLASSIFIER;
            } else if (m.heads().tokenClassification() != null) {
                kind = Kind.TOKEN_CLASSIFIER;
            } else if (m.sentenceTransformers().splade() != null) {
                kind = Kind.SPARSE;
            } else if (m.heads().maskedLm() != null && !m.poolingFromModel()) {
                // a masked LM with no sentence-transformers pooling: what it is for is filling masks
                kind = Kind.FILL_MASK;
            } else {
                kind = Kind.EMBEDDING;
            }
        }
        EncoderTask.Options taskOptions = new EncoderTask.Options(options.maxLength(), options.threads(), options.maxBatchTokens(),
                options.device());
        return switch (kind) {
            case EMBEDDING -> new Inference(kind, options.modelId(), EmbeddingModel.load(options.model(),
                    // normalize and dimensions are per request (TEI's normalize, dimensions): pooled raw here
                    new EmbeddingModel.Options(null, false, 0, options.maxLength(), options.threads(), options.maxBatchTokens(),
                            options.device())), null, options, listener);
            case SPARSE -> new Inference(kind, options.modelId(), null, SparseEmbedder.load(options.model(), taskOptions), options, listener);
            case CLASSIFIER -> new Inference(kind, options.modelId(), null, TextClassifier.load(options.model(), taskOptions), options, listener);
            case RERANKER -> new Inference(kind, options.modelId(), null, Reranker.load(options.model(), taskOptions), options, listener);
            case TOKEN_CLASSIFIER -> new Inference(kind, options.modelId(), null, TokenClassifier.load(options.model(), taskOptions), options,
                    listener);
            case FILL_MASK -> new Inference(kind, options.modelId(), null, FillMask.load(options.model(), taskOptions), options, listener);
        };
    }

    CompletableFuture<Job> submit(Supplier<Job> prepare) {
        return scheduler.submit(prepare);
    }

    int queued() {
        return scheduler.queued();
    }

    // ---- what the model is ------------------------------------------------------------------------

    EmbeddingModel embedder() {
        return embedder;
    }

    /** The pooled vector's width. */
    int dimensions() {
        return embedder.dimensions();
    }

    PoolingConfig.Mode pooling() {
        return embedder.pooling().mode();
    }

    TextClassifier classifier() {
        return (TextClassifier) task;
    }

    Reranker reranker() {
        return (Reranker) task;
    }

    TokenClassifier tokenClassifier() {
        return (TokenClassifier) task;
    }

    FillMask fillMask() {
        return (FillMask) task;
    }

    /** config.json's problem_type, or null. */
    String problemType() {
        return task.loaded().heads().problemType();
    }

    /** The labels in id order, for classifiers, rerankers and token classifiers. */
    List<String> labels() {
        return task instanceof TextClassifier c ? c.labels() : task.loaded().heads().labels();
    }

    /** The default prompt's text (the model's default_prompt_name), or null. */
    String defaultPrompt() {
        return embedder != null ? embedder.defaultPrompt() : null;
    }

    /** The text of prompt {@code name}; a one-line error naming the prompts if the model has none of that name. */
    String prompt(String name) {
        if (embedder == null) {
            throw new ApiError(ApiError.Type.VALIDATION, "`prompt_name` is set to `" + name + "` but the model has no sentence-transformers prompts");
        }
        try {
            return embedder.prompt(name);
        } catch (IllegalArgumentException e) {
            throw new ApiError(ApiError.Type.VALIDATION, e.getMessage());
        }
    }

    int promptTokens(String prompt) {
        return embedder == null ? 0 : embedder.promptTokens(prompt);
    }

    // ---- tokenization (on the scheduler's pool) -------------------------------------------------------

    /**
     * One input, a text (prefixed with {@code prompt}) or token ids, with special tokens; cut to the max input
     * length when {@code truncate}, else refused if longer (422, as TEI).
     */
    Encoding encode(Object input, String prompt, boolean truncate, Truncation.Direction direction, int index) {
        if (input instanceof int[] ids) {
            int vocab = tokenizer.vocabSize();
            for (int id : ids) {
                if (id < 0 || id >= vocab) {
                    throw new ApiError(ApiError.Type.TOKENIZER, "input " + index + ": token id " + id + " is outside the vocabulary [0, " + vocab + ")");
                }
            }
            if (ids.length > maxInputLength) {
                if (!truncate) {
                    throw tooLong(index, ids.length);
                }
                ids = direction == Truncation.Direction.LEFT ? Arrays.copyOfRange(ids, ids.length - maxInputLength, ids.length)
                        : Arrays.copyOf(ids, maxInputLength);
            }
            return Encoding.ofIds(ids, new int[ids.length]);
        }
        String text = prompt == null || prompt.isEmpty() ? (String) input : prompt + input;
        return encode(text, null, truncate, direction, index);
    }

    /** A text or a pair ({@code b} non-null), as {@link #encode(Object, String, boolean, Truncation.Direction, int)}. */
    Encoding encode(String a, String b, boolean truncate, Truncation.Direction direction, int index) {
        // without truncation, tokenize one token past the limit: enough to refuse, bounded for a huge text
        EncodeOptions options = EncodeOptions.builder().maxLength(truncate ? maxInputLength : maxInputLength + 1).direction(direction).build();
        Encoding e;
        try {
            e = tokenizer.encode(a, b, options);
        } catch (IllegalArgumentException ex) {
            throw new ApiError(ApiError.Type.TOKENIZER, "input " + index + ": " + ex.getMessage());
        }
        if (e.length() > maxInputLength) {
            throw tooLong(index, -1);
        }
        return e;
    }

    private ApiError tooLong(int index, int given) {
        return new ApiError(ApiError.Type.VALIDATION, "`inputs` must have less than " + (maxInputLength + 1) + " tokens. Given: "
                + (given < 0 ? "more than " + maxInputLength : given) + " (input " + index + "); set `truncate: true` to cut it");
    }

    // ---- the encoder pass (on the scheduler's encoder thread) ------------------------------------------

    private void run(List<Job> jobs) {
        List<Encoding> all = new ArrayList<>();
        for (Job j : jobs) {
            all.addAll(j.encodings);
        }
        Task t = jobs.getFirst().task;
        switch (t) {
            case POOLED -> {
                int dims = embedder.dimensions();
                float[] out = new float[all.size() * dims];
                embedder.embed(TokenBatch.of(all.stream().map(Encoding::ids).toList(), all.stream().map(Encoding::typeIds).toList()),
                        MemorySegment.ofArray(out), jobs.getFirst().promptTokens);
                int row = 0;
                for (Job j : jobs) {
                    j.rows = new float[j.encodings.size()][];
                    for (int s = 0; s < j.rows.length; s++, row++) {
                        j.rows[s] = Arrays.copyOfRange(out, row * dims, (row + 1) * dims);
                    }
                }
            }
            case TOKENS -> {
                int hidden = embedder.architecture().hiddenSize();
                TokenBatch batch = TokenBatch.of(all.stream().map(Encoding::ids).toList(), all.stream().map(Encoding::typeIds).toList());
                float[] out = new float[batch.tokenCount() * hidden];
                embedder.tokenEmbeddings(batch, MemorySegment.ofArray(out));
                int s = 0;
                for (Job j : jobs) {
                    j.rows = new float[j.encodings.size()][];
                    for (int i = 0; i < j.rows.length; i++, s++) {
                        j.rows[i] = Arrays.copyOfRange(out, batch.start(s) * hidden, (batch.start(s) + batch.length(s)) * hidden);
                    }
                }
            }
            case SPARSE -> {
                List<SparseEmbedder.SparseVector> out = ((SparseEmbedder) task).embedEncodings(all);
                int s = 0;
                for (Job j : jobs) {
                    j.sparse = out.subList(s, s + j.encodings.size());
                    s += j.encodings.size();
                }
            }
            case ENTITIES -> {
                List<String> texts = new ArrayList<>();
                for (Job j : jobs) {
                    texts.addAll(j.texts);
                }
                List<List<TokenClassifier.Entity>> out = tokenClassifier().entities(texts, all,
                        (TokenClassifier.Aggregation) jobs.getFirst().parameter);
                int s = 0;
                for (Job j : jobs) {
                    j.entities = out.subList(s, s + j.encodings.size());
                    s += j.encodings.size();
                }
            }
            case FILL -> {
                List<List<List<FillMask.Prediction>>> out = fillMask().fillEncodings(all, (Integer) jobs.getFirst().parameter);
                int s = 0;
                for (Job j : jobs) {
                    j.predictions = out.subList(s, s + j.encodings.size());
                    s += j.encodings.size();
                }
            }
            case LOGITS, RERANK -> {
                int width = t == Task.RERANK ? 1 : labels().size();
                float[] out = t == Task.RERANK ? reranker().score(all, true) : classifier().logits(all);
                int row = 0;
                for (Job j : jobs) {
                    j.rows = new float[j.encodings.size()][];
                    for (int s = 0; s < j.rows.length; s++, row++) {
                        j.rows[s] = Arrays.copyOfRange(out, row * width, (row + 1) * width);
                    }
                }
            }
        }
    }

    /** Lets submitted jobs finish (up to {@code timeoutMillis}), then frees the model. */
    void close(long timeoutMillis) {
        scheduler.close(timeoutMillis);
        if (embedder != null) {
            embedder.close();
        } else {
            task.close();
        }
    }

    @Override
    public void close() {
        close(30_000);
    }
}

package dev.gale.langchain4j;

import dev.gale.encoder.EncoderTask;
import dev.gale.encoder.Reranker;
import dev.gale.encoder.tokenizer.Encoding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.output.Response;
import dev.langchain4j.model.output.TokenUsage;
import dev.langchain4j.model.scoring.ScoringModel;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A cross-encoder reranker ({@link Reranker}) as a LangChain4j {@link ScoringModel}, for
 * {@code ReRankingContentAggregator}:
 * <pre>{@code
 * ScoringModel scorer = GaleScoringModel.builder().model("path/to/ms-marco-MiniLM-L6-v2").build();
 * ContentAggregator aggregator = ReRankingContentAggregator.builder().scoringModel(scorer).minScore(0.5).build();
 * }</pre>
 * Each (query, segment) pair is scored as sentence-transformers' {@code CrossEncoder.predict}: through the model's
 * activation (sigmoid unless it says Identity), or raw logits with {@code raw(true)}. All pairs of a call run as
 * one padding-free batch, cut by the token budget; the {@link TokenUsage} counts the pairs' tokens. Thread-safe.
 */
public final class GaleScoringModel implements ScoringModel, AutoCloseable {

    private final Reranker reranker;
    private final boolean raw;

    private GaleScoringModel(Builder b) {
        if (b.model == null || b.model.isBlank()) {
            throw new IllegalArgumentException("GaleScoringModel needs a model: a cross-encoder's Hugging Face directory or ONNX file");
        }
        this.reranker = Reranker.load(b.model, new EncoderTask.Options(b.maxLength, b.threads, b.maxBatchTokens, b.device));
        this.raw = b.raw;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Response<List<Double>> scoreAll(List<TextSegment> segments, String query) {
        List<String> passages = new ArrayList<>(segments.size());
        for (TextSegment s : segments) {
            passages.add(s.text());
        }
        List<Encoding> pairs = reranker.tokenizePairs(Collections.nCopies(passages.size(), query), passages);
        float[] scores = reranker.score(pairs, raw);
        List<Double> out = new ArrayList<>(scores.length);
        long tokens = 0;
        for (int i = 0; i < scores.length; i++) {
            out.add((double) scores[i]);
            tokens += pairs.get(i).length();
        }
        return Response.from(out, new TokenUsage(Math.toIntExact(tokens)));
    }

    /** Gale's own reranker behind this adapter. */
    public Reranker gale() {
        return reranker;
    }

    @Override
    public void close() {
        reranker.close();
    }

    /** 0 fields keep the model's own value. */
    public static final class Builder {
        private String model;
        private String device = "cpu";
        private int threads;
        private int maxBatchTokens;
        private int maxLength;
        private boolean raw;

        private Builder() {}

        /** A one-label cross-encoder: a Hugging Face directory or an ONNX file. */
        public Builder model(String model) {
            this.model = model;
            return this;
        }

        /** {@code cpu} (the default) or a device id of {@code gale devices}. */
        public Builder device(String device) {
            this.device = device;
            return this;
        }

        /** CPU threads; 0 (the default) for all cores. */
        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        /** Tokens per encoder pass; 0 for Gale's default (8192). */
        public Builder maxBatchTokens(int maxBatchTokens) {
            this.maxBatchTokens = maxBatchTokens;
            return this;
        }

        /** Tokens per (query, segment) pair, cut longest-first; 0 for the model's. */
        public Builder maxLength(int maxLength) {
            this.maxLength = maxLength;
            return this;
        }

        /** Raw logits instead of the model's activation (sigmoid); false by default. */
        public Builder raw(boolean raw) {
            this.raw = raw;
            return this;
        }

        /** Loads the model. */
        public GaleScoringModel build() {
            return new GaleScoringModel(this);
        }
    }
}

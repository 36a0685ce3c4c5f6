package dev.gale.langchain4j;

import dev.gale.encoder.EncoderTask;
import dev.gale.encoder.ModelBuilder;
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

    private GaleScoringModel(String model, EncoderTask.Options options, boolean raw) {
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("GaleScoringModel needs a model: a cross-encoder's Hugging Face directory or ONNX file");
        }
        this.reranker = Reranker.load(model, options);
        this.raw = raw;
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

    /** 0 fields keep the model's own value; the setters of {@link ModelBuilder}. */
    public static final class Builder extends ModelBuilder<Builder> {
        private boolean raw;

        private Builder() {}

        /** Raw logits instead of the model's activation (sigmoid); false by default. */
        public Builder raw(boolean raw) {
            this.raw = raw;
            return this;
        }

        /** Loads the model. */
        public GaleScoringModel build() {
            return new GaleScoringModel(model, taskOptions(), raw);
        }
    }
}

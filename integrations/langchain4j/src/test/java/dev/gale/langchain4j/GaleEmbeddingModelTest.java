package dev.gale.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.gale.encoder.Corpus;
import dev.gale.encoder.ReferenceModels;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.request.EmbeddingRequest;
import dev.langchain4j.model.embedding.response.EmbeddingResponse;
import dev.langchain4j.model.output.Response;
import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.content.retriever.EmbeddingStoreContentRetriever;
import dev.langchain4j.rag.query.Query;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.inmemory.InMemoryEmbeddingStore;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * GaleEmbeddingModel through LangChain4j's own types, against Gale's Java API ({@link dev.gale.encoder.EmbeddingModel})
 * on the same texts and, for token counts, the Hugging Face tokenizers (DJL) on the model's tokenizer.json.
 */
class GaleEmbeddingModelTest {
    private static final String MODEL = ReferenceModels.MINILM;
    private static final int MAX_LENGTH = 256;        // all-MiniLM-L6-v2's sentence-transformers max_seq_length
    private static final double MIN_COSINE = 0.99999;
    private static final double SCORE = 1e-6;

    private static List<String> texts;                // 50 corpus texts: prose, code, man pages, several over 256 tokens
    private static dev.gale.encoder.EmbeddingModel gale;
    private static GaleEmbeddingModel adapter;

    @BeforeAll
    static void load() {
        texts = Corpus.texts().subList(0, 50);
        gale = dev.gale.encoder.EmbeddingModel.load(MODEL);
        // a small token budget, so one call is cut into several encoder passes; Gale's API runs with its default
        adapter = GaleEmbeddingModel.builder().model(MODEL).maxBatchTokens(1024).build();
    }

    @AfterAll
    static void close() {
        adapter.close();
        gale.close();
    }

    private static List<TextSegment> segments(List<String> texts) {
        return texts.stream().map(TextSegment::from).toList();
    }

    @Test
    void embedAllEqualsGalesApi() {
        Response<List<Embedding>> response = adapter.embedAll(segments(texts));
        List<float[]> expected = gale.embed(texts);
        assertEquals(texts.size(), response.content().size());
        double worstCosine = 1, worstDiff = 0;
        for (int i = 0; i < texts.size(); i++) {
            float[] actual = response.content().get(i).vector();
            assertEquals(384, actual.length, "all-MiniLM-L6-v2 gives 384 dimensions");
            double cosine = cosine(expected.get(i), actual);
            assertTrue(cosine >= MIN_COSINE, "text " + i + ": cosine " + cosine);
            worstCosine = Math.min(worstCosine, cosine);
            for (int d = 0; d < actual.length; d++) {
                worstDiff = Math.max(worstDiff, Math.abs(actual[d] - expected.get(i)[d]));
            }
        }
        System.out.printf("embedAll against EmbeddingModel.embed, %d texts: worst cosine %.9f, worst max|diff| %.2e%n",
                texts.size(), worstCosine, worstDiff);
        assertEquals(384, adapter.dimension());
        assertEquals(MODEL, adapter.modelName());
        assertEquals(List.of(), adapter.embedAll(List.of()).content());
    }

    @Test
    void tokenUsageIsTheTokenizersCount() throws Exception {
        int expected = 0;
        try (HuggingFaceTokenizer hf = HuggingFaceTokenizer.builder().optTokenizerPath(ReferenceModels.tokenizer(MODEL))
                .optAddSpecialTokens(true).optPadding(false).optTruncation(true).optMaxLength(MAX_LENGTH).build()) {
            for (String t : texts) {
                expected += hf.encode(t).getIds().length;
            }
        }
        Response<List<Embedding>> response = adapter.embedAll(segments(texts));
        assertEquals(expected, response.tokenUsage().inputTokenCount());
        assertEquals(expected, response.tokenUsage().totalTokenCount());
        assertTrue(expected > 1024, "the texts must need more than one encoder pass, they have " + expected + " tokens");

        EmbeddingResponse viaRequest = adapter.embed(EmbeddingRequest.builder().textSegments(segments(texts.subList(0, 3))).build());
        assertEquals(3, viaRequest.embeddings().size());
        assertEquals(MODEL, viaRequest.modelName());
    }

    @Test
    void inMemoryStoreFindsTheParaphrasedText() {
        InMemoryEmbeddingStore<TextSegment> store = new InMemoryEmbeddingStore<>();
        List<TextSegment> segments = segments(texts);
        store.addAll(IntStream.range(0, texts.size()).mapToObj(i -> "t" + i).toList(), adapter.embedAll(segments).content(), segments);

        // corpus text 10 is Python's typing.Protocol docstring ("Base class for protocol classes. ...")
        String query = "Protocol classes give structural subtyping, static duck typing, for type checkers";
        List<EmbeddingMatch<TextSegment>> matches = store.search(EmbeddingSearchRequest.builder()
                .queryEmbedding(adapter.embed(query).content()).maxResults(5).build()).matches();
        assertEquals(texts.get(10), matches.getFirst().embedded().text());

        // the scores are LangChain4j's relevance score, (cosine + 1) / 2, of Gale's own vectors; the order is theirs
        float[] q = gale.embed(query);
        List<float[]> vectors = gale.embed(texts);
        List<Integer> byCosine = IntStream.range(0, texts.size()).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> cosine(q, vectors.get(i))).reversed()).toList();
        for (int r = 0; r < matches.size(); r++) {
            int i = byCosine.get(r);
            assertEquals("t" + i, matches.get(r).embeddingId(), "rank " + r);
            assertEquals((cosine(q, vectors.get(i)) + 1) / 2, matches.get(r).score(), SCORE, "rank " + r);
        }

        // a text itself is its own nearest, at cosine 1
        EmbeddingMatch<TextSegment> self = store.search(EmbeddingSearchRequest.builder()
                .queryEmbedding(adapter.embed(texts.get(37)).content()).maxResults(1).build()).matches().getFirst();
        assertEquals("t37", self.embeddingId());
        assertEquals(1.0, self.score(), SCORE);
    }

    @Test
    void contentRetrieverEmbedsTheQueryWithGale() {
        InMemoryEmbeddingStore<TextSegment> store = new InMemoryEmbeddingStore<>();
        List<TextSegment> segments = segments(texts);
        store.addAll(adapter.embedAll(segments).content(), segments);
        EmbeddingStoreContentRetriever retriever = EmbeddingStoreContentRetriever.builder()
                .embeddingStore(store).embeddingModel(adapter).maxResults(3).build();
        List<Content> contents = retriever.retrieve(Query.from(texts.get(5)));
        assertEquals(3, contents.size());
        assertEquals(texts.get(5), contents.getFirst().textSegment().text());
    }

    @Test
    void optionsReachGale() {
        List<String> some = texts.subList(0, 8);
        try (GaleEmbeddingModel small = GaleEmbeddingModel.builder().model(MODEL).dimensions(64).prompt("query: ").build();
             dev.gale.encoder.EmbeddingModel reference = dev.gale.encoder.EmbeddingModel.load(MODEL,
                     new dev.gale.encoder.EmbeddingModel.Options(null, null, 64, 0, 0, 0))) {
            assertEquals(64, small.dimension());
            List<Embedding> got = small.embedAll(segments(some)).content();
            List<float[]> expected = reference.embed(some, "query: ");
            for (int i = 0; i < some.size(); i++) {
                assertEquals(64, got.get(i).dimension());
                assertTrue(cosine(expected.get(i), got.get(i).vector()) >= MIN_COSINE, "text " + i);
                assertEquals(1.0, norm(got.get(i).vector()), 1e-5, "Matryoshka truncation renormalizes");
            }
        }
    }

    @Test
    void aModelIsRequired() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GaleEmbeddingModel.builder().build());
        assertTrue(e.getMessage().contains("needs a model"), e.getMessage());
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    private static double norm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        return Math.sqrt(s);
    }
}

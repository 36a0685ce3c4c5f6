package dev.gale.springai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.gale.encoder.Corpus;
import dev.gale.encoder.ReferenceModels;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.ai.document.Document;
import org.springframework.ai.embedding.EmbeddingOptions;
import org.springframework.ai.embedding.EmbeddingRequest;
import org.springframework.ai.embedding.EmbeddingResponse;
import org.springframework.ai.vectorstore.SearchRequest;
import org.springframework.ai.vectorstore.SimpleVectorStore;

/**
 * GaleSpringEmbeddingModel through Spring AI's own types, against Gale's Java API ({@link dev.gale.encoder.EmbeddingModel})
 * on the same texts and, for token counts, the Hugging Face tokenizers (DJL) on the model's tokenizer.json.
 */
class GaleSpringEmbeddingModelTest {
    private static final String MODEL = ReferenceModels.MINILM;
    private static final int MAX_LENGTH = 256;        // all-MiniLM-L6-v2's sentence-transformers max_seq_length
    private static final double MIN_COSINE = 0.99999;
    private static final double SCORE = 1e-6;

    private static List<String> texts;                // 50 corpus texts: prose, code, man pages, several over 256 tokens
    private static dev.gale.encoder.EmbeddingModel gale;
    private static GaleSpringEmbeddingModel adapter;

    @BeforeAll
    static void load() {
        texts = Corpus.texts().subList(0, 50);
        gale = dev.gale.encoder.EmbeddingModel.load(MODEL);
        // a small token budget, so one call is cut into several encoder passes; Gale's API runs with its default
        adapter = GaleSpringEmbeddingModel.builder().model(MODEL).maxBatchTokens(1024).build();
    }

    @AfterAll
    static void close() {
        adapter.close();
        gale.close();
    }

    @Test
    void callEqualsGalesApi() throws Exception {
        EmbeddingResponse response = adapter.call(new EmbeddingRequest(texts, EmbeddingOptions.builder().build()));
        List<float[]> expected = gale.embed(texts);
        assertEquals(texts.size(), response.getResults().size());
        double worstCosine = 1;
        for (int i = 0; i < texts.size(); i++) {
            assertEquals(i, response.getResults().get(i).getIndex());
            float[] actual = response.getResults().get(i).getOutput();
            assertEquals(384, actual.length, "all-MiniLM-L6-v2 gives 384 dimensions");
            double cosine = cosine(expected.get(i), actual);
            assertTrue(cosine >= MIN_COSINE, "text " + i + ": cosine " + cosine);
            worstCosine = Math.min(worstCosine, cosine);
        }
        System.out.printf("call against EmbeddingModel.embed, %d texts: worst cosine %.9f%n", texts.size(), worstCosine);
        assertEquals(384, adapter.dimensions());

        int tokens = 0;
        try (HuggingFaceTokenizer hf = HuggingFaceTokenizer.builder().optTokenizerPath(ReferenceModels.tokenizer(MODEL))
                .optAddSpecialTokens(true).optPadding(false).optTruncation(true).optMaxLength(MAX_LENGTH).build()) {
            for (String t : texts) {
                tokens += hf.encode(t).getIds().length;
            }
        }
        assertEquals(tokens, response.getMetadata().getUsage().getPromptTokens());
        assertEquals(tokens, response.getMetadata().getUsage().getTotalTokens());
        assertEquals(MODEL, response.getMetadata().getModel());
        assertTrue(tokens > 1024, "the texts must need more than one encoder pass, they have " + tokens + " tokens");
    }

    @Test
    void embedOfDocumentsAndStringsEqualsGalesApi() {
        Document doc = new Document(texts.get(3));
        assertTrue(cosine(gale.embed(texts.get(3)), adapter.embed(doc)) >= MIN_COSINE);
        List<float[]> some = adapter.embed(texts.subList(0, 4));
        List<float[]> expected = gale.embed(texts.subList(0, 4));
        for (int i = 0; i < 4; i++) {
            assertTrue(cosine(expected.get(i), some.get(i)) >= MIN_COSINE, "text " + i);
        }
    }

    @Test
    void simpleVectorStoreFindsTheParaphrasedText() {
        SimpleVectorStore store = SimpleVectorStore.builder(adapter).build();
        store.add(IntStream.range(0, texts.size()).mapToObj(i -> Document.builder().id("t" + i).text(texts.get(i)).build()).toList());

        // corpus text 10 is Python's typing.Protocol docstring ("Base class for protocol classes. ...")
        String query = "Protocol classes give structural subtyping, static duck typing, for type checkers";
        List<Document> found = store.similaritySearch(SearchRequest.builder().query(query).topK(5).build());
        assertEquals(5, found.size());
        assertEquals(texts.get(10), found.getFirst().getText());

        // the scores are the cosine of Gale's own vectors, the order theirs
        float[] q = gale.embed(query);
        List<float[]> vectors = gale.embed(texts);
        List<Integer> byCosine = IntStream.range(0, texts.size()).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> cosine(q, vectors.get(i))).reversed()).toList();
        for (int r = 0; r < found.size(); r++) {
            int i = byCosine.get(r);
            assertEquals("t" + i, found.get(r).getId(), "rank " + r);
            assertEquals(cosine(q, vectors.get(i)), found.get(r).getScore(), SCORE, "rank " + r);
        }
    }

    @Test
    void requestsForAnotherModelOrWidthAreRefused() {
        IllegalArgumentException model = assertThrows(IllegalArgumentException.class,
                () -> adapter.call(new EmbeddingRequest(List.of("x"), EmbeddingOptions.builder().model("text-embedding-3-small").build())));
        assertTrue(model.getMessage().contains("'text-embedding-3-small'") && model.getMessage().contains("gale.embedding.model"), model.getMessage());
        IllegalArgumentException width = assertThrows(IllegalArgumentException.class,
                () -> adapter.call(new EmbeddingRequest(List.of("x"), EmbeddingOptions.builder().dimensions(1536).build())));
        assertTrue(width.getMessage().contains("1536 dimensions") && width.getMessage().contains("gives 384"), width.getMessage());
        assertEquals(384, adapter.call(new EmbeddingRequest(List.of("x"), EmbeddingOptions.builder().model(MODEL).dimensions(384).build()))
                .getResult().getOutput().length);
    }

    @Test
    void anEmptyRequestGivesNoEmbeddings() {
        EmbeddingResponse response = adapter.call(new EmbeddingRequest(List.of(), null));
        assertEquals(0, response.getResults().size());
        assertEquals(0, response.getMetadata().getUsage().getPromptTokens());
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
}

package dev.gale.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.encoder.HeadFixtures;
import dev.gale.encoder.Reranker;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.output.Response;
import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.content.ContentMetadata;
import dev.langchain4j.rag.content.aggregator.ReRankingContentAggregator;
import dev.langchain4j.rag.query.Query;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GaleScoringModel on the encoder's tiny random-weight cross-encoder fixture (HeadFixtures "bert-uncased-rerank"):
 * its scores equal {@link Reranker#score} and sentence-transformers' {@code CrossEncoder.predict} (the fixture's
 * expected.jsonl.gz), its token usage the Hugging Face tokenizer's pair ids, and it ranks inside LangChain4j's
 * {@link ReRankingContentAggregator}.
 */
class GaleScoringModelTest {
    private static final String FIXTURE = "bert-uncased-rerank";
    private static final double SCORE = 1e-5;

    @TempDir
    static Path tmp;
    private static FileSystem fixtureJar;   // the encoder's test-jar, when the fixtures are read from it
    private static Map<String, List<JsonNode>> byQuery;   // the fixture's records: 3 queries, 6 passages each
    private static Reranker reranker;
    private static GaleScoringModel adapter;

    @BeforeAll
    static void load() throws Exception {
        Path dir = fixture();
        byQuery = new LinkedHashMap<>();
        for (JsonNode r : HeadFixtures.records(FIXTURE)) {
            byQuery.computeIfAbsent(r.get("query").asText(), q -> new java.util.ArrayList<>()).add(r);
        }
        reranker = Reranker.load(dir.toString());
        adapter = GaleScoringModel.builder().model(dir.toString()).build();
    }

    @AfterAll
    static void close() throws Exception {
        adapter.close();
        reranker.close();
        if (fixtureJar != null) {
            fixtureJar.close();
        }
    }

    /**
     * The fixture assembled as a checkpoint directory. From the reactor the encoder's test resources are a directory;
     * with {@code -pl integrations/langchain4j} they are in its test-jar, read through a zip file system.
     */
    private static Path fixture() throws Exception {
        URI uri = HeadFixtures.class.getResource("/reference/heads").toURI();
        if (uri.getScheme().equals("jar")) {
            try {
                fixtureJar = FileSystems.newFileSystem(uri, Map.of());
            } catch (FileSystemAlreadyExistsException e) {
                // opened by someone else in this JVM: Path.of finds it
            }
        }
        return HeadFixtures.assemble(FIXTURE, tmp.resolve(FIXTURE));
    }

    private static List<String> passages(List<JsonNode> records) {
        return records.stream().map(r -> r.get("passage").asText()).toList();
    }

    @Test
    void scoresEqualTheRerankerAndSentenceTransformers() {
        assertEquals(3, byQuery.size());
        for (Map.Entry<String, List<JsonNode>> e : byQuery.entrySet()) {
            String query = e.getKey();
            List<String> passages = passages(e.getValue());
            Response<List<Double>> response = adapter.scoreAll(passages.stream().map(TextSegment::from).toList(), query);
            float[] expected = reranker.score(query, passages, false);
            int tokens = 0;
            for (int i = 0; i < passages.size(); i++) {
                JsonNode r = e.getValue().get(i);
                assertEquals(expected[i], response.content().get(i), 1e-6, query + " / passage " + i + ": Reranker.score");
                assertEquals(r.get("score").asDouble(), response.content().get(i), SCORE, query + " / passage " + i + ": CrossEncoder.predict");
                tokens += r.get("ids").size();
            }
            assertEquals(tokens, response.tokenUsage().inputTokenCount(), query + ": tokens of the pairs");
        }
    }

    @Test
    void rawScoresAreTheLogits() {
        List<JsonNode> records = byQuery.values().iterator().next();
        try (GaleScoringModel raw = GaleScoringModel.builder().model(tmp.resolve(FIXTURE).toString()).raw(true).build()) {
            List<Double> got = raw.scoreAll(passages(records).stream().map(TextSegment::from).toList(), records.getFirst().get("query").asText()).content();
            for (int i = 0; i < records.size(); i++) {
                assertEquals(records.get(i).get("raw").asDouble(), got.get(i), SCORE, "passage " + i);
            }
        }
        assertEquals(records.getFirst().get("score").asDouble(),
                adapter.score(records.getFirst().get("passage").asText(), records.getFirst().get("query").asText()).content(), SCORE);
    }

    @Test
    void reRankingContentAggregatorOrdersByGalesScores() {
        var first = byQuery.entrySet().iterator().next();
        String query = first.getKey();
        List<JsonNode> records = first.getValue();
        List<Content> retrieved = passages(records).stream().map(Content::from).toList();
        Map<Query, Collection<List<Content>>> byRetriever = Map.of(Query.from(query), List.of(retrieved));

        List<Content> top = ReRankingContentAggregator.builder().scoringModel(adapter).maxResults(3).build().aggregate(byRetriever);

        List<JsonNode> best = records.stream().sorted(Comparator.comparingDouble((JsonNode r) -> r.get("score").asDouble()).reversed()).limit(3).toList();
        assertEquals(3, top.size());
        for (int i = 0; i < 3; i++) {
            assertEquals(best.get(i).get("passage").asText(), top.get(i).textSegment().text(), "rank " + i);
            assertEquals(best.get(i).get("score").asDouble(), (Double) top.get(i).metadata().get(ContentMetadata.RERANKED_SCORE), SCORE, "rank " + i);
        }
    }
}

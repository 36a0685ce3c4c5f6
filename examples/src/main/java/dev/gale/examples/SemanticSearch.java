package dev.gale.examples;

import dev.gale.arrow.EmbeddingPipeline;
import dev.gale.arrow.TableFormat;
import dev.gale.encoder.EmbeddingModel;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.ipc.ArrowFileReader;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Semantic search over a table. The first run embeds the table's text column once into an Arrow file
 * beside it ({@code <table>.gale.arrow}: the text and its embedding); every run then answers the query
 * with the k rows whose embeddings are closest to the query's by cosine.
 * <pre>  examples/run SemanticSearch &lt;table.parquet|.arrow|.jsonl&gt; "query" [k] [text column] </pre>
 */
public final class SemanticSearch {
    record Hit(long row, float score, String text) {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: SemanticSearch <table.parquet|.arrow|.jsonl> \"query\" [k] [text column]");
            System.exit(2);
        }
        Path table = Path.of(args[0]);
        String query = args[1];
        int k = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        String column = args.length > 3 ? args[3] : "text";
        Path index = table.resolveSibling(table.getFileName() + ".gale.arrow");

        try (EmbeddingModel model = EmbeddingModel.load("all-minilm-l6-v2")) {
            if (!Files.exists(index) || Files.getLastModifiedTime(index).compareTo(Files.getLastModifiedTime(table)) < 0) {
                System.err.println("embedding " + table + " once into " + index + " ...");
                var summary = EmbeddingPipeline.run(model, table.toString(), TableFormat.ofPath(table.toString(), TableFormat.TEXT),
                        index.toString(), TableFormat.ARROW, EmbeddingPipeline.Options.of(column, List.of(column)), (rows, tokens) -> { });
                System.err.printf("%,d rows in %.1f s%n", summary.rows(), summary.wallNanos() / 1e9);
            }
            float[] q = model.embed(query);
            for (Hit hit : search(index, q, k)) {
                System.out.printf("%.3f  row %-6d %s%n", hit.score(), hit.row(), preview(hit.text()));
            }
        }
    }

    /** The k rows of the index closest to q, best first: one pass over the file, a k-sized heap. */
    static List<Hit> search(Path index, float[] q, int k) throws Exception {
        PriorityQueue<Hit> best = new PriorityQueue<>(Comparator.comparingDouble(Hit::score));
        try (BufferAllocator allocator = new RootAllocator();
             ArrowFileReader reader = new ArrowFileReader(FileChannel.open(index), allocator)) {
            long row = 0;
            while (reader.loadNextBatch()) {
                VectorSchemaRoot batch = reader.getVectorSchemaRoot();
                VarCharVector text = (VarCharVector) batch.getVector(0);
                FixedSizeListVector embeddings = (FixedSizeListVector) batch.getVector("embedding");
                Float4Vector values = (Float4Vector) embeddings.getDataVector();
                for (int r = 0; r < batch.getRowCount(); r++, row++) {
                    if (embeddings.isNull(r)) {
                        continue;
                    }
                    float score = cosine(q, values, r * q.length);
                    if (best.size() < k || score > best.peek().score()) {
                        best.add(new Hit(row, score, new String(text.get(r), java.nio.charset.StandardCharsets.UTF_8)));
                        if (best.size() > k) {
                            best.poll();
                        }
                    }
                }
            }
        }
        List<Hit> hits = new ArrayList<>(best);
        hits.sort(Comparator.comparingDouble(Hit::score).reversed());
        return hits;
    }

    private static float cosine(float[] q, Float4Vector values, int offset) {
        float dot = 0, norm = 0, qNorm = 0;
        for (int i = 0; i < q.length; i++) {
            float v = values.get(offset + i);
            dot += q[i] * v;
            norm += v * v;
            qNorm += q[i] * q[i];
        }
        return (float) (dot / Math.sqrt(norm * qNorm));
    }

    private static String preview(String text) {
        String line = text.replaceAll("\\s+", " ").strip();
        return line.length() > 100 ? line.substring(0, 97) + "..." : line;
    }
}

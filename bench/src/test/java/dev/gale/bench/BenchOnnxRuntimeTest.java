package dev.gale.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gale.cli.Gale;
import dev.gale.encoder.Corpus;
import dev.gale.encoder.EmbeddingModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** gale bench --onnxruntime end to end, with this module's OnnxRuntimeReference found on the class path. */
class BenchOnnxRuntimeTest {
    @TempDir
    Path dir;

    @Test
    void onnxRuntimeRowsAndRatioOnTheSameTokens() throws Exception {
        // 40 corpus texts of varied length: two padded batches each way
        List<String> corpus = Corpus.texts();
        List<String> texts = IntStream.range(0, 40).mapToObj(i -> corpus.get(i * 60)).toList();
        ObjectMapper json = new ObjectMapper();
        Path input = dir.resolve("texts.jsonl");
        Files.write(input, texts.stream().map(t -> json.createObjectNode().put("text", t).toString()).toList());

        PrintStream savedOut = System.out, savedErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int status;
        try {
            status = Gale.run("bench", "--devices", "cpu", "--onnxruntime", "--repeats", "1", "-i", input.toString(),
                    "--chart", dir.resolve("bench.png").toString());
        } finally {
            System.setOut(savedOut);
            System.setErr(savedErr);
        }
        String stderr = err.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, stderr);

        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(5, lines.size(), lines.toString());
        assertTrue(lines.get(1).startsWith("cpu "), lines.toString());
        String ort = "\\s+[\\d,]+\\s+2\\s+[\\d.]+\\s+-\\s+-\\s+ONNX Runtime \\d+\\.\\d+\\.\\d+, 32 per batch padded, ";
        assertTrue(lines.get(2).matches("onnxruntime/file-order" + ort + "file order"), lines.get(2));
        assertTrue(lines.get(3).matches("onnxruntime/sorted" + ort + "sorted by length"), lines.get(3));
        assertTrue(lines.get(4).matches("gale cpu / onnxruntime: \\d+\\.\\d\\dx file order, \\d+\\.\\d\\dx sorted"), lines.get(4));

        long real;
        try (EmbeddingModel model = EmbeddingModel.load("all-minilm-l6-v2")) {
            real = model.tokenize(texts).stream().mapToLong(e -> e.ids().length).sum();
        }
        Matcher m = Pattern.compile("onnxruntime computes ([\\d,]+) padded tokens a pass in file order, ([\\d,]+) sorted, for ([\\d,]+) real ones")
                .matcher(stderr);
        assertTrue(m.find(), stderr);
        long fileOrder = count(m.group(1)), sorted = count(m.group(2));
        assertEquals(real, count(m.group(3)));
        assertTrue(real < sorted && sorted < fileOrder, m.group());
    }

    private static long count(String digits) {
        return Long.parseLong(digits.replace(",", ""));
    }
}

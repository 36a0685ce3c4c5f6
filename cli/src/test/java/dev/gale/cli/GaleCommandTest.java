package dev.gale.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gale.encoder.EmbeddingModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The gale command end to end: files in, JSONL out, and one clear line with exit 2 for bad input. */
class GaleCommandTest extends CapturesStderr {
    @TempDir
    Path dir;

    @Test
    void embedWritesOneLinePerInputInOrder() throws IOException {
        List<String> texts = List.of("The cat sits on the mat.", "", "Ünïcödé and 漢字 😀", "many words ".repeat(400), "last line");
        Path input = dir.resolve("in.txt");
        Files.write(input, texts, StandardCharsets.UTF_8);
        Path output = dir.resolve("out.jsonl");
        assertEquals(0, Gale.run("embed", "--input", input.toString(), "--output", output.toString(), "--dimensions", "128"), stderr());

        List<String> lines = Files.readAllLines(output);
        assertEquals(texts.size(), lines.size());
        try (EmbeddingModel model = EmbeddingModel.load("all-minilm-l6-v2", new EmbeddingModel.Options(null, null, 128, 0, 0, 0))) {
            List<float[]> expected = model.embed(texts);
            ObjectMapper json = new ObjectMapper();
            for (int i = 0; i < texts.size(); i++) {
                JsonNode embedding = json.readTree(lines.get(i)).get("embedding");
                float[] actual = new float[embedding.size()];
                for (int j = 0; j < actual.length; j++) {
                    actual[j] = embedding.get(j).floatValue();
                }
                // a few ulps apart at most: Vector API code gives slightly different exp/sum rounding before and after JIT
                assertArrayEquals(expected.get(i), actual, 1e-6f, "line " + i);
            }
        }
        assertTrue(stderr().contains("embedded 5 texts"), stderr());
        assertTrue(stderr().contains("1 truncated"), stderr());
    }

    @Test
    void jsonlKeepsOtherFields() throws IOException {
        Path input = dir.resolve("in.jsonl");
        Files.writeString(input, "{\"id\": 7, \"text\": \"hello\"}\n{\"text\": \"world\", \"meta\": {\"a\": [1]}}\n");
        Path output = dir.resolve("out.jsonl");
        assertEquals(0, Gale.run("embed", "-q", "-i", input.toString(), "-o", output.toString()), stderr());
        List<String> lines = Files.readAllLines(output);
        JsonNode first = new ObjectMapper().readTree(lines.get(0));
        assertEquals(7, first.get("id").asInt());
        assertEquals(384, first.get("embedding").size());
        assertFalse(first.has("text"));
        assertEquals("{\"a\":[1]}", new ObjectMapper().readTree(lines.get(1)).get("meta").toString());
    }

    @Test
    void invalidUtf8NamesTheLineAndLeavesNoOutput() throws IOException {
        Path input = dir.resolve("bad.txt");
        Files.write(input, new byte[]{'o', 'k', '\n', 'b', 'a', (byte) 0xC3, (byte) 0x28, '\n'});
        Path output = dir.resolve("out.jsonl");
        assertEquals(2, Gale.run("embed", "-i", input.toString(), "-o", output.toString()));
        assertEquals("gale: " + input + ":2: invalid UTF-8", stderr().lines().filter(l -> l.startsWith("gale:")).findFirst().orElse(stderr()));
        assertFalse(Files.exists(output));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(input), files.toList(), "no temporary file left behind");
        }
    }

    @Test
    void badInputExitsTwoWithOneLine() throws IOException {
        Path empty = dir.resolve("empty.txt");
        Files.writeString(empty, "");
        Path jsonl = dir.resolve("in.jsonl");
        Files.writeString(jsonl, "{\"text\": \"fine\"}\n{\"body\": \"no text field\"}\n");
        Path out = dir.resolve("o.jsonl");

        assertEquals(2, Gale.run("embed", "-i", empty.toString(), "-o", out.toString()));
        assertEquals(2, Gale.run("embed", "-i", jsonl.toString(), "-o", out.toString()));
        assertEquals(2, Gale.run("embed", "--model", "no-such-model", "-i", jsonl.toString()));
        assertEquals(2, Gale.run("embed", "--pooling", "median"));
        assertEquals(2, Gale.run("embed", "--no-such-flag"));
        assertEquals(2, Gale.run("embed", "--dimensions", "4096", "-i", jsonl.toString(), "-o", out.toString()));
        assertFalse(Files.exists(out));
        List<String> lines = stderr().lines().filter(l -> l.startsWith("gale:")).toList();
        assertEquals(6, lines.size(), stderr());
        assertEquals("gale: " + empty + ": empty input, expected one text per line", lines.get(0));
        assertEquals("gale: " + jsonl + ":2: field 'text' is missing", lines.get(1));
        assertTrue(lines.get(2).startsWith("gale: model 'no-such-model' is neither a built-in model"), lines.get(2));
        assertTrue(lines.get(3).contains("'median' is not a pooling mode (expected cls, mean, max, mean_sqrt_len_tokens, weightedmean or lasttoken)"), lines.get(3));
        assertTrue(lines.get(4).contains("Unknown option: '--no-such-flag'"), lines.get(4));
        assertEquals("gale: dimensions 4096 exceeds the model's hidden size 384", lines.get(5));
    }

    @Test
    void noTruncateNamesTheLongLine() throws IOException {
        Path input = dir.resolve("in.txt");
        Files.writeString(input, "short\n" + "word ".repeat(300) + "\n");
        Path output = dir.resolve("o.jsonl");
        assertEquals(2, Gale.run("embed", "--no-truncate", "-i", input.toString(), "-o", output.toString()));
        // 300 words + [CLS] + [SEP]
        assertEquals("gale: " + input + ":2: text has 302 tokens, more than the max length 256 (truncation is off)",
                stderr().lines().filter(l -> l.startsWith("gale:")).findFirst().orElse(stderr()));
        assertFalse(Files.exists(output));
        assertEquals(0, Gale.run("tokenize", "--max-length", "512", "--no-truncate", "-i", input.toString(), "-o", output.toString()), stderr());
    }

    @Test
    void tokenizeWritesIds() throws IOException {
        Path input = dir.resolve("in.txt");
        Files.writeString(input, "Hello, world!\n");
        Path output = dir.resolve("ids.jsonl");
        assertEquals(0, Gale.run("tokenize", "-i", input.toString(), "-o", output.toString(), "--tokens"), stderr());
        // bert-base-uncased vocabulary: [CLS]=101, hello=7592, ','=1010, world=2088, '!'=999, [SEP]=102
        assertEquals("{\"ids\":[101,7592,1010,2088,999,102],\"tokens\":[\"[CLS]\",\"hello\",\",\",\"world\",\"!\",\"[SEP]\"]}",
                Files.readString(output).strip());
    }

    @Test
    void tokenizeWritesOffsetsInCodePoints() throws IOException {
        Path input = dir.resolve("in.txt");
        Files.writeString(input, "Héllo, 😀 world!\n");
        Path output = dir.resolve("offsets.jsonl");
        assertEquals(0, Gale.run("tokenize", "-i", input.toString(), "-o", output.toString(), "--offsets"), stderr());
        // As Python tokenizers reports them: code points, so the emoji (two Java chars) counts one.
        assertEquals("{\"ids\":[101,7592,1010,100,2088,999,102],\"offsets\":[[0,0],[0,5],[5,6],[7,8],[9,14],[14,15],[0,0]],"
                        + "\"type_ids\":[0,0,0,0,0,0,0],\"special_tokens_mask\":[1,0,0,0,0,0,1]}",
                Files.readString(output).strip());
    }

    @Test
    void tokenizeDecodeTurnsIdsBackIntoText() throws IOException {
        Path input = dir.resolve("ids.jsonl");
        Files.writeString(input, "{\"ids\":[101,7592,1010,2088,999,102]}\n[7592, 2088]\n101 7592 102\n{\"ids\":null}\n");
        Path output = dir.resolve("text.jsonl");
        assertEquals(0, Gale.run("tokenize", "--decode", "-i", input.toString(), "-o", output.toString()), stderr());
        assertEquals("{\"text\":\"[CLS] hello, world! [SEP]\"}\n{\"text\":\"hello world\"}\n"
                + "{\"text\":\"[CLS] hello [SEP]\"}\n{\"text\":null}", Files.readString(output).strip());
        assertEquals(0, Gale.run("tokenize", "--decode", "--skip-special-tokens", "-i", input.toString(), "-o",
                output.toString()), stderr());
        assertTrue(Files.readString(output).startsWith("{\"text\":\"hello, world!\"}\n"));

        Files.writeString(input, "101 7592\n12 x 3\n");
        Path failed = dir.resolve("failed.jsonl");
        assertEquals(2, Gale.run("tokenize", "--decode", "-i", input.toString(), "-o", failed.toString()));
        assertTrue(stderr().contains(input + ":2: '12 x 3' is not a list of token ids"), stderr());
        assertFalse(Files.exists(failed), "no partial output");
    }

    @Test
    void tokenizeReadsOnlyTheTokenizerFile() throws IOException {
        // A directory with nothing but a tokenizer.json: no config.json, no weights, any model_type.
        Path model = dir.resolve("only-tokenizer");
        Files.createDirectories(model);
        try (var in = GaleCommandTest.class.getResourceAsStream("/reference/tokenizers/roberta/tokenizer.json")) {
            Files.copy(in, model.resolve("tokenizer.json"));
        }
        Path input = dir.resolve("in.txt");
        Files.writeString(input, "Hello world\n");
        Path output = dir.resolve("ids.jsonl");
        assertEquals(0, Gale.run("tokenize", "-m", model.toString(), "-i", input.toString(), "-o", output.toString(),
                "--tokens"), stderr());
        assertTrue(Files.readString(output).contains("\"tokens\":[\"<s>\""), Files.readString(output));
        assertEquals(0, Gale.run("tokenize", "-m", model.resolve("tokenizer.json").toString(), "-i", input.toString(),
                "-o", output.toString()), stderr());
        assertEquals(2, Gale.run("tokenize", "-m", dir.resolve("missing").toString(), "-i", input.toString()));
    }

    @Test
    void devicesListsTheCpuAndUnknownDevicesExitTwo() throws IOException {
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, Gale.run("devices"));
        } finally {
            System.setOut(saved);
        }
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertTrue(lines.get(1).startsWith("cpu "), lines.toString());
        assertTrue(lines.get(1).contains(Runtime.getRuntime().availableProcessors() + " cores"), lines.toString());

        Path input = dir.resolve("in.txt");
        Files.writeString(input, "hello\n");
        assertEquals(2, Gale.run("embed", "--device", "gpu", "-i", input.toString()));
        assertEquals(2, Gale.run("embed", "--device", "cpu:7", "-i", input.toString()));
        List<String> errors = stderr().lines().filter(l -> l.startsWith("gale:")).toList();
        assertEquals("gale: unknown device 'gpu'; the devices are: cpu", errors.get(0));
        assertEquals("gale: no device 'cpu:7'; the devices are: cpu", errors.get(1));
    }

    @Test
    void benchWritesATableAndAChart() throws IOException {
        Path input = dir.resolve("in.txt");
        Files.writeString(input, "The cat sits on the mat.\nA feline rests on a rug.\nStock markets fell.\n");
        Path chart = dir.resolve("bench.png");
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, Gale.run("bench", "--devices", "cpu", "-i", input.toString(), "--chart", chart.toString()), stderr());
        } finally {
            System.setOut(saved);
        }
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.get(0).contains("TRANSFER") && lines.get(0).contains("KERNELS"), lines.toString());
        assertTrue(lines.get(1).startsWith("cpu "), lines.toString());
        // the CPU has no device time to report
        assertTrue(lines.get(1).matches("cpu\\s+[\\d,]+\\s+1\\s+[\\d.]+\\s+-\\s+-\\s+.*"), lines.toString());
        var image = javax.imageio.ImageIO.read(chart.toFile());
        assertEquals(1100, image.getWidth());
        assertEquals(2, Gale.run("bench", "--devices", "gpu:9", "-i", input.toString(), "--chart", chart.toString()));
    }

    @Test
    void benchOnnxruntimeNeedsTheBenchModuleAndAnOnnxExport() throws IOException {
        Path input = dir.resolve("in.txt");
        Files.writeString(input, "hello\n");
        Path chart = dir.resolve("bench.png");
        // the cli's test class path has no ONNX Runtime, as the gale command's has none
        assertEquals(2, Gale.run("bench", "--devices", "cpu", "--onnxruntime", "-i", input.toString(), "--chart", chart.toString()));
        Path safetensors = Files.createDirectories(dir.resolve("st"));
        Files.write(safetensors.resolve("model.safetensors"), new byte[16]);
        assertEquals(2, Gale.run("bench", "--onnxruntime", "-m", safetensors.toString(), "-i", input.toString(), "--chart", chart.toString()));
        List<String> errors = stderr().lines().filter(l -> l.startsWith("gale:")).toList();
        assertEquals(List.of("gale: --onnxruntime: ONNX Runtime is not on the class path (Gale uses it only for benchmarks, in the bench "
                + "module); run ./gale from a source checkout, which adds bench/target/gale-bench.jar and bench/target/lib/*",
                "gale: --onnxruntime needs an ONNX export of the model; " + safetensors + " is safetensors"), errors);
        assertFalse(stderr().contains("bench: cpu"), "refused before any device runs: " + stderr());
        assertFalse(Files.exists(chart));
    }

    @Test
    void benchWithNoTextsSaysSo() throws IOException {
        Path chart = dir.resolve("bench.png");
        Path empty = dir.resolve("empty.txt");
        Files.writeString(empty, "");
        Path nulls = dir.resolve("nulls.jsonl");
        Files.writeString(nulls, "{\"text\": null}\n{\"text\": null}\n");
        assertEquals(2, Gale.run("bench", "--devices", "cpu", "-i", empty.toString(), "--chart", chart.toString()));
        assertEquals(2, Gale.run("bench", "--devices", "cpu", "-i", nulls.toString(), "--chart", chart.toString()));
        List<String> errors = stderr().lines().filter(l -> l.startsWith("gale:")).toList();
        assertEquals(List.of("gale: " + empty + ": empty input, expected one text per line",
                "gale: " + nulls + ": no texts to benchmark (column 'text' has no non-null rows)"), errors);
        assertFalse(Files.exists(chart));
    }
}

package dev.gale.cli;

import dev.gale.arrow.TableFormat;
import dev.gale.arrow.Tables;
import dev.gale.encoder.EmbeddingModel;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** gale embed on tables: Parquet in and out with kept columns, column errors, and a kill midway. */
class BatchScoringCommandTest extends CapturesStderr {
    @TempDir
    Path dir;

    @Test
    void parquetInParquetOutKeepsIdsOrderAndNulls() throws Exception {
        List<String> texts = Arrays.asList("The cat sits on the mat.", null, "", "Ünïcödé and 漢字 😀", "many words ".repeat(400), "last row");
        Path input = dir.resolve("data.parquet");
        Path output = dir.resolve("out.parquet");
        try (BufferAllocator allocator = new RootAllocator()) {
            Tables.write(input, TableFormat.PARQUET, texts, 4, allocator);
            assertEquals(0, Gale.run("embed", "--input", input.toString(), "--column", "text", "--keep", "id",
                    "--output", output.toString()), stderr());
            Tables.Output out = Tables.read(output, TableFormat.PARQUET, allocator);
            assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L), out.column("id"));
            try (EmbeddingModel model = EmbeddingModel.load("all-minilm-l6-v2")) {
                for (int r = 0; r < texts.size(); r++) {
                    if (texts.get(r) == null) {
                        assertNull(out.embeddings().get(r), "row " + r);
                        continue;
                    }
                    float[] want = model.embed(texts.get(r));
                    float[] got = out.embeddings().get(r);
                    for (int i = 0; i < want.length; i++) {
                        assertEquals(want[i], got[i], 1e-6, "row " + r);
                    }
                }
            }
        }
        assertTrue(stderr().contains("embedded 6 rows"), stderr());
        assertTrue(stderr().contains("1 null texts (null embeddings), 1 truncated to the max length"), stderr());
    }

    @Test
    void wrongColumnExitsTwoNamingTheColumns() throws Exception {
        Path input = dir.resolve("data.parquet");
        try (BufferAllocator allocator = new RootAllocator()) {
            Tables.write(input, TableFormat.PARQUET, List.of("a", "b"), 4, allocator);
        }
        Path output = dir.resolve("out.arrow");
        assertEquals(2, Gale.run("embed", "-i", input.toString(), "--column", "body", "-o", output.toString()));
        assertEquals(2, Gale.run("embed", "-i", input.toString(), "--column", "id", "-o", output.toString()));
        assertEquals(2, Gale.run("embed", "-i", input.toString(), "--keep", "title", "-o", output.toString()));
        List<String> lines = stderr().lines().filter(l -> l.startsWith("gale:")).toList();
        String columns = "the columns are: id (int64), text (utf8), score (float64)";
        assertEquals(List.of(
                "gale: " + input + ": no column 'body'; " + columns,
                "gale: " + input + ": column 'id' is int64, expected a string column (utf8 or large_utf8); " + columns,
                "gale: " + input + ": no column 'title'; " + columns), lines);
        assertFalse(Files.exists(output));
    }

    /** SIGKILL (no chance to clean up) and SIGTERM (shutdown hook) midway: nothing under the output name. */
    @Test
    void killedMidwayLeavesNoOutput() throws Exception {
        Path input = dir.resolve("big.txt");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            lines.add("Line " + i + " of a long input that takes the encoder a while to get through, " + "word ".repeat(i % 50));
        }
        Files.write(input, lines);
        for (boolean forcibly : new boolean[]{true, false}) {
            Path output = dir.resolve(forcibly ? "killed.parquet" : "terminated.jsonl");
            Process gale = startGale("embed", "-q", "-i", input.toString(), "-o", output.toString());
            try {
                waitForPartialOutput(output, gale);
                Thread.sleep(2000); // well into the run: batches have been written to the temporary output
                assertTrue(gale.isAlive(), "gale finished before it could be killed");
                if (forcibly) {
                    gale.destroyForcibly();
                } else {
                    gale.destroy();
                }
                assertTrue(gale.waitFor(60, TimeUnit.SECONDS));
            } finally {
                gale.destroyForcibly();
            }
            assertFalse(Files.exists(output), "no file under the output name after " + (forcibly ? "SIGKILL" : "SIGTERM"));
            if (!forcibly) {
                try (var files = Files.list(dir)) {
                    assertEquals(List.of(), files.filter(p -> p.getFileName().toString().startsWith(".terminated")).toList(),
                            "SIGTERM removes the temporary output");
                }
            }
        }
    }

    private void waitForPartialOutput(Path output, Process gale) throws Exception {
        String prefix = "." + output.getFileName() + ".";
        for (int i = 0; i < 1200; i++) {
            try (var files = Files.list(dir)) {
                if (files.anyMatch(p -> p.getFileName().toString().startsWith(prefix))) {
                    return;
                }
            }
            if (!gale.isAlive()) {
                throw new AssertionError("gale exited early with " + gale.exitValue() + ": "
                        + new String(gale.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no temporary output appeared");
    }

    /** The gale command in a new JVM, with this JVM's flags (the ones Gale needs) and class path. */
    private static Process startGale(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> !a.startsWith("-agentlib") && !a.startsWith("-javaagent")).toList());
        command.add("-cp");
        command.add(System.getProperty("java.class.path") + File.pathSeparator + System.getProperty("surefire.test.class.path", ""));
        command.add(Gale.class.getName());
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }
}

package dev.gale.encoder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Held-out task-head checkpoints (whole Hugging Face directories as save_pretrained writes them, with
 * expected.jsonl.gz and task.txt) that reference/crosscheck_heads.py wrote into {@code GALE_REFERENCE_HEADS},
 * through {@link HeadsTest#verify}. Off without the variable.
 */
@EnabledIfEnvironmentVariable(named = "GALE_REFERENCE_HEADS", matches = ".+")
class ExternalHeadsTest {
    static List<String> folders() throws Exception {
        try (Stream<Path> list = Files.list(Path.of(System.getenv("GALE_REFERENCE_HEADS")))) {
            return list.filter(p -> Files.isRegularFile(p.resolve("task.txt"))).map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("folders")
    void matchesTheReference(String name) throws Exception {
        Path dir = Path.of(System.getenv("GALE_REFERENCE_HEADS")).resolve(name);
        HeadsTest.verify(name, dir, HiddenStateFixtures.jsonl(dir.resolve("expected.jsonl.gz")), Files.readString(dir.resolve("task.txt")).strip(),
                EncoderTask.Options.defaults());
    }
}

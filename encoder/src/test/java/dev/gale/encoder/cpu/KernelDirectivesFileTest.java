package dev.gale.encoder.cpu;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The directives file ./gale starts the JVM with (bin/kernel-directives.json) is the directive the encoder would add. */
class KernelDirectivesFileTest {
    @TempDir
    Path dir;

    @Test
    void theLaunchersFileHoldsTheKernelDirective() {
        assertTrue(KernelCompilation.given(Path.of("..", "bin", "kernel-directives.json").toString()),
                "bin/kernel-directives.json must hold KernelCompilation.DIRECTIVES");
    }

    @Test
    void anotherFileOrNoneIsNotTakenForIt() throws IOException {
        Path other = dir.resolve("directives.json");
        Files.writeString(other, KernelCompilation.DIRECTIVES.replace("Norms", "Other"));
        assertFalse(KernelCompilation.given(other.toString()));
        assertFalse(KernelCompilation.given(dir.resolve("missing.json").toString()));
        assertFalse(KernelCompilation.given(null));
        assertFalse(KernelCompilation.given(""));
    }
}

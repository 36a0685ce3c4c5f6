package dev.gale.cli;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * An output that appears under its final name only when complete: data goes to a temporary file in the
 * same directory, renamed over the target by {@link #commit()}. Closed without commit, or killed, the
 * temporary file is deleted (a shutdown hook covers SIGINT and SIGTERM), so no half file is ever left
 * under the final name. "-" writes to stdout.
 */
final class AtomicOutput implements AutoCloseable {
    private final Path target;
    private final Path temp;
    private final OutputStream stream;
    private final Thread cleanup;
    private boolean committed;

    AtomicOutput(String output) throws IOException {
        if (output.equals("-")) {
            target = null;
            temp = null;
            cleanup = null;
            stream = new FilterOutputStream(System.out) {
                @Override
                public void close() throws IOException {
                    flush();
                }
            };
            return;
        }
        target = Path.of(output).toAbsolutePath();
        if (Files.isDirectory(target)) {
            throw new BadInputException(output + ": is a directory, expected a file name");
        }
        Path dir = target.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new BadInputException(output + ": directory " + dir + " does not exist");
        }
        temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".partial");
        cleanup = new Thread(this::deleteTemp);
        Runtime.getRuntime().addShutdownHook(cleanup);
        stream = new BufferedOutputStream(Files.newOutputStream(temp), 1 << 16);
    }

    OutputStream stream() {
        return stream;
    }

    void commit() throws IOException {
        stream.flush();
        if (target != null) {
            stream.close();
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
        committed = true;
    }

    private void deleteTemp() {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException ignored) {
            // best effort at shutdown; the file is hidden and named .partial
        }
    }

    @Override
    public void close() throws IOException {
        if (target == null || committed) {
            return;
        }
        try {
            stream.close();
        } finally {
            deleteTemp();
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
    }
}

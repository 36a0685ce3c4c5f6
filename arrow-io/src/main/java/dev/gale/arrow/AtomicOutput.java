package dev.gale.arrow;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;

/**
 * An output that appears under its final name only when complete: data goes to a hidden temporary file
 * beside the target, moved over the target by {@link #commit()}. Closed without commit, the temporary is deleted, and a shutdown hook does the same
 * on SIGINT and SIGTERM; a SIGKILL leaves only a hidden {@code .partial}, never a half file under the
 * final name. "-" means stdout.
 */
public final class AtomicOutput implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path target;
    private final Path temp;
    private final Thread cleanup;
    private OutputStream stream;
    private boolean committed;

    private AtomicOutput(String output) throws IOException {
        if (output.equals("-")) {
            target = null;
            temp = null;
            cleanup = null;
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
        // createFile, not createTempFile: the output gets the usual permissions (0666 less the umask), not 0600
        temp = Files.createFile(dir.resolve("." + target.getFileName() + "." + Long.toUnsignedString(RANDOM.nextLong(), 36) + ".partial"));
        cleanup = new Thread(this::deleteTemp);
        Runtime.getRuntime().addShutdownHook(cleanup);
    }

    /** A file output, written through {@link #stream()} or by a library at {@link #temp()}. */
    public static AtomicOutput file(String output) throws IOException {
        return new AtomicOutput(output);
    }

    public boolean isStdout() {
        return target == null;
    }

    /** The temporary file being written. */
    public Path temp() {
        return temp;
    }

    public OutputStream stream() throws IOException {
        if (stream == null) {
            stream = target == null
                    ? new FilterOutputStream(System.out) {
                        @Override
                        public void close() throws IOException {
                            flush();
                        }
                    }
                    : new BufferedOutputStream(Files.newOutputStream(temp), 1 << 16);
        }
        return stream;
    }

    public void commit() throws IOException {
        if (stream != null) {
            stream.flush();
            stream.close();
        }
        if (target != null) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
        committed = true;
    }

    private void deleteTemp() {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException ignored) {
            // best effort; what is left is hidden and named after the target
        }
    }

    @Override
    public void close() throws IOException {
        if (target == null || committed) {
            if (target == null && stream != null) {
                stream.flush();
            }
            return;
        }
        try {
            if (stream != null) {
                stream.close();
            }
        } finally {
            deleteTemp();
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
    }
}

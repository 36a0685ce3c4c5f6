package dev.gale.arrow;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * An output that appears under its final name only when complete: data goes to a hidden temporary file
 * (or directory, for writers that produce a directory of files) beside the target, moved over the target
 * by {@link #commit()}. Closed without commit, the temporary is deleted, and a shutdown hook does the same
 * on SIGINT and SIGTERM; a SIGKILL leaves only a hidden {@code .partial}, never a half file under the
 * final name. "-" means stdout.
 */
public final class AtomicOutput implements AutoCloseable {
    private final Path target;
    private final Path temp;
    private final boolean directory;
    private final Thread cleanup;
    private OutputStream stream;
    private boolean committed;

    private AtomicOutput(String output, boolean directory) throws IOException {
        this.directory = directory;
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
        String prefix = "." + target.getFileName() + ".";
        temp = directory ? Files.createTempDirectory(dir, prefix) : Files.createTempFile(dir, prefix, ".partial");
        cleanup = new Thread(this::deleteTemp);
        Runtime.getRuntime().addShutdownHook(cleanup);
    }

    /** A file output written through {@link #stream()}. */
    public static AtomicOutput file(String output) throws IOException {
        return new AtomicOutput(output, false);
    }

    /** An output written by a library under {@link #temp()}, a fresh directory; it must leave exactly one file there. */
    public static AtomicOutput directory(String output) throws IOException {
        if (output.equals("-")) {
            throw new BadInputException("this output format cannot go to stdout; give --output a file name");
        }
        return new AtomicOutput(output, true);
    }

    public boolean isStdout() {
        return target == null;
    }

    /** The temporary file or directory being written. */
    public Path temp() {
        return temp;
    }

    public OutputStream stream() throws IOException {
        if (directory) {
            throw new IllegalStateException("a directory output has no stream");
        }
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
            Path source = temp;
            if (directory) {
                try (Stream<Path> files = Files.walk(temp)) {
                    var produced = files.filter(Files::isRegularFile).toList();
                    if (produced.size() != 1) {
                        throw new IOException("expected one file in " + temp + ", the writer left " + produced.size());
                    }
                    source = produced.getFirst();
                }
            }
            Files.move(source, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            deleteTemp();
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
        committed = true;
    }

    private void deleteTemp() {
        if (temp == null || !Files.exists(temp)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(temp)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
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

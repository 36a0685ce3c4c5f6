package dev.gale.encoder.cpu;

import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Keeps the Vector API kernels ({@link MatMul}, {@link Attention}, {@link Norms}, {@link Activations}) out of C1,
 * so that HotSpot compiles them with C2 only. In C1 code Vector API operations are not intrinsified: they run as
 * boxed objects, 50 to 100 times slower. Tiered compilation normally moves hot code on from C1 to C2, but when the
 * C2 queue is long at start-up it compiles at tier 2 (C1 without profiling) and may never move a method on: about
 * one JVM in eight then ran the GEMM kernel 80 times slower for the whole run (it took the JVM flag
 * -XX:Tier3DelayOn=100000 to prevent). With C1 excluded these methods run in the interpreter until C2 has
 * compiled them (a long loop is compiled on stack after a few thousand iterations) and never in C1.
 * <p>
 * The exclusion is a compiler directive added at run time through HotSpot's DiagnosticCommand MBean (what
 * {@code jcmd PID Compiler.directives_add} does), once per JVM, when the first kernel class initializes: before any
 * of their methods can have been compiled. It needs no JVM flag. On a JVM without that MBean (not HotSpot, or
 * without the java.management module) it logs one warning naming the flag that does the same job.
 */
final class KernelCompilation {

    static final String DIRECTIVES = """
            [{ match: ["dev/gale/encoder/cpu/MatMul.*", "dev/gale/encoder/cpu/Attention.*",
                       "dev/gale/encoder/cpu/Norms.*", "dev/gale/encoder/cpu/Activations.*"],
               c1: { Exclude: true } }]
            """;

    /**
     * Names a file holding {@link #DIRECTIVES} that the JVM was started with ({@code -XX:+UnlockDiagnosticVMOptions
     * -XX:CompilerDirectivesFile=FILE}), as {@code ./gale} starts it: the directive is in place, and nothing is added.
     * That spares a one-shot run the platform MBean server, whose start takes 0.2 to 0.5 s. A file that differs
     * from {@link #DIRECTIVES} (beyond white space) is ignored and the directive added as without it.
     */
    static final String GIVEN_PROPERTY = "gale.compiler.directives";

    private KernelCompilation() {}

    /** Once per JVM: the holder's initializer adds the directive the first time any kernel class initializes. */
    private static final class Holder {
        static final boolean C2_ONLY = add();
    }

    /** Adds the directive unless it is in place; whether it is. Called from each kernel class's static initializer. */
    static boolean install() {
        return Holder.C2_ONLY;
    }

    private static boolean add() {
        if (given(System.getProperty(GIVEN_PROPERTY))) {
            return true;
        }
        Path file = null;
        try {
            file = Files.createTempFile("gale-compiler-directives-", ".json");
            Files.writeString(file, DIRECTIVES);
            Object result = ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "compilerDirectivesAdd", new Object[]{new String[]{file.toString()}}, new String[]{String[].class.getName()});
            if (String.valueOf(result).contains("1 compiler directives added")) {
                return true;
            }
            warn(String.valueOf(result).strip());
        } catch (Exception | LinkageError e) {
            warn(e.toString());
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (java.io.IOException ignored) {
                    // a temporary file of a few bytes: the OS cleans its temp directory
                }
            }
        }
        return false;
    }

    /** Whether {@code file} (null: none) holds {@link #DIRECTIVES}. */
    static boolean given(String file) {
        if (file == null || file.isEmpty()) {
            return false;
        }
        try {
            return Files.readString(Path.of(file)).replaceAll("\\s", "").equals(DIRECTIVES.replaceAll("\\s", ""));
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }

    private static void warn(String why) {
        System.getLogger("dev.gale.encoder").log(System.Logger.Level.WARNING, "Gale could not keep its Vector API kernels out of C1 (" + why
                + "); start the JVM with -XX:Tier3DelayOn=100000, or a run may now and then be tens of times slower");
    }
}

package dev.gale.encoder;

import java.util.List;

/**
 * The JVM flags Gale needs, checked where they are needed so that a JVM started without them (Spark executors,
 * application servers, an IDE's run configuration) fails at load with one line naming them, not deep inside with a
 * {@code NoClassDefFoundError}. {@code bin/find-jdk.sh} passes the same list for Gale's own commands.
 */
public final class JvmFlags {

    /** The Vector API, used by the CPU encoder; memory-mapped weights use restricted FFM methods. */
    public static final List<String> ENCODER = List.of("--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED");
    /** What Apache Arrow Java's memory module needs on JDK 25 (batch scoring of Arrow and Parquet files). */
    public static final List<String> ARROW = List.of("--add-opens=java.base/java.nio=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow");

    private JvmFlags() {}

    /** Throws an {@link IllegalStateException} naming the flags unless the Vector API module is in this JVM. */
    public static void requireVectorApi() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            throw new IllegalStateException("Gale's encoder needs the Vector API, which this JVM was started without: add the JVM flags "
                    + String.join(" ", ENCODER) + " (java, or spark.driver/executor.extraJavaOptions, or your build's test JVM arguments)");
        }
    }

    /** Throws an {@link IllegalStateException} naming the flags unless java.nio is open to Arrow (the unnamed module). */
    public static void requireArrowAccess() {
        if (!java.nio.ByteBuffer.class.getModule().isOpen("java.nio", JvmFlags.class.getClassLoader().getUnnamedModule())) {
            throw new IllegalStateException("Apache Arrow needs java.nio opened, which this JVM was started without: add the JVM flags "
                    + String.join(" ", ARROW));
        }
    }
}

package dev.gale.encoder;

import dev.gale.encoder.nn.Encoder;
import dev.gale.encoder.cpu.CpuEncoder;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * The encoder backends on this JVM: the pure-Java CPU backend, always, and those that
 * {@link java.util.ServiceLoader} finds (the TornadoVM one when its module and SDK are there).
 * A device id is "cpu", a backend's name for its default device ("tornado"), or a full id from
 * {@link #devices()} ("tornado:opencl:0").
 */
public final class Backends {
    /** What {@code gale} says when TornadoVM is asked for but its module is not loaded. */
    static final String NO_TORNADO = "the TornadoVM backend is not loaded: set TORNADOVM_HOME to a TornadoVM SDK "
            + "(see the README) and run ./gale, which then builds and loads it";

    private Backends() {}

    /** Every provider: the CPU first, then the ones on the class path. */
    public static List<BackendProvider> providers() {
        List<BackendProvider> all = new ArrayList<>();
        all.add(new Cpu());
        ServiceLoader.load(BackendProvider.class).forEach(all::add);
        return all;
    }

    /** The provider of {@code device}, or an error naming the devices there are. */
    static BackendProvider providerOf(String device) {
        String family = device.contains(":") ? device.substring(0, device.indexOf(':')) : device;
        for (BackendProvider p : providers()) {
            if (p.name().equals(family)) {
                if (p.unavailableReason() != null) {
                    throw new IllegalArgumentException("device '" + device + "': " + p.unavailableReason());
                }
                if (!device.equals(family) && p.devices().stream().noneMatch(d -> d.id().equals(device))) {
                    throw new IllegalArgumentException("no device '" + device + "'; the devices are: " + ids());
                }
                return p;
            }
        }
        if (family.equals("tornado")) {
            throw new IllegalArgumentException("device '" + device + "': " + NO_TORNADO);
        }
        throw new IllegalArgumentException("unknown device '" + device + "'; the devices are: " + ids());
    }

    static EncoderBackend open(Encoder model, EmbeddingModel.Options options) {
        JvmFlags.requireVectorApi();
        return providerOf(options.device()).open(model, options.device(), options);
    }

    private static String ids() {
        return providers().stream().flatMap(p -> p.devices().stream()).map(Device::id).collect(Collectors.joining(", "));
    }

    /** The pure-Java backend: the Vector API on all cores (or --threads). */
    static final class Cpu implements BackendProvider {
        @Override
        public String name() {
            return "cpu";
        }

        @Override
        public List<Device> devices() {
            long memory = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                    ? os.getTotalMemorySize() : -1;
            String name = cpuName() + ", " + Runtime.getRuntime().availableProcessors() + " cores, Java " + Runtime.version().feature()
                    + " Vector API";
            return List.of(new Device("cpu", name, "CPU", memory));
        }

        private static String cpuName() {
            try {
                return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                        .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElse(System.getProperty("os.arch"));
            } catch (java.io.IOException | RuntimeException e) {
                return System.getProperty("os.arch");
            }
        }

        @Override
        public String unavailableReason() {
            return null;
        }

        @Override
        public EncoderBackend open(Encoder model, String device, EmbeddingModel.Options options) {
            int threads = options.threads() > 0 ? options.threads() : Runtime.getRuntime().availableProcessors();
            return new CpuEncoder(model, threads);
        }
    }
}

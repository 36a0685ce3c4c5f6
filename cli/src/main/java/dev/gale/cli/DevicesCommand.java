package dev.gale.cli;

import dev.gale.encoder.BackendProvider;
import dev.gale.encoder.Backends;
import dev.gale.encoder.Device;
import picocli.CommandLine.Command;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "devices", mixinStandardHelpOptions = true,
        description = "List the devices Gale can run the encoder on, with the ids --device takes.")
final class DevicesCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        PrintStream out = System.out;
        out.printf(Locale.ROOT, "%-20s %-12s %10s  %s%n", "DEVICE", "TYPE", "MEMORY", "NAME");
        boolean tornado = false;
        for (BackendProvider provider : Backends.providers()) {
            tornado |= provider.name().equals("tornado");
            if (provider.unavailableReason() != null) {
                out.printf(Locale.ROOT, "%-20s %s%n", provider.name(), "unavailable: " + provider.unavailableReason());
                continue;
            }
            for (Device d : provider.devices()) {
                out.printf(Locale.ROOT, "%-20s %-12s %10s  %s%n", d.id(), d.type(), memory(d.memoryBytes()), d.name());
            }
        }
        if (!tornado) {
            out.println("tornado              unavailable: no TornadoVM SDK found. Set TORNADOVM_HOME to a TornadoVM SDK "
                    + "(see the README); ./gale then builds and loads the TornadoVM backend.");
        }
        return Gale.OK;
    }

    private static String memory(long bytes) {
        return bytes < 0 ? "?" : String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
    }
}

package dev.gale.encoder;

import dev.gale.encoder.cpu.CpuHeads;
import dev.gale.encoder.cpu.Workers;

/** The host's heads for backends that do not run a head themselves: {@link CpuHeads} on all cores, made when first used. */
final class HostHeads {
    static final CpuHeads INSTANCE = new CpuHeads(new Workers(Runtime.getRuntime().availableProcessors()));

    private HostHeads() {}
}

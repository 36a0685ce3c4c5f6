package dev.gale.encoder;

/**
 * A device an encoder can run on, as {@code gale devices} lists it.
 *
 * @param id          what {@code --device} takes: "cpu", or "tornado:opencl:0" and the like
 * @param name        the device's own name (CPU model, GPU name)
 * @param type        CPU, GPU, accelerator, ...
 * @param memoryBytes memory the device offers, or -1 if unknown
 */
public record Device(String id, String name, String type, long memoryBytes) {}

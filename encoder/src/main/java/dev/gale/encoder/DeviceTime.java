package dev.gale.encoder;

/**
 * Time a device backend has spent since it opened, as the device measured it: copies between host and
 * device memory (both directions), and kernels.
 */
public record DeviceTime(long transferNanos, long kernelNanos) {

    /** This minus {@code earlier}: the time spent in between. */
    public DeviceTime since(DeviceTime earlier) {
        return new DeviceTime(transferNanos - earlier.transferNanos, kernelNanos - earlier.kernelNanos);
    }
}

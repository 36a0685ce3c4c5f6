package dev.gale.tornado;

import dev.gale.encoder.BackendProvider;
import dev.gale.encoder.Device;
import dev.gale.encoder.EmbeddingModel;
import dev.gale.encoder.EncoderBackend;
import dev.gale.encoder.nn.Encoder;
import uk.ac.manchester.tornado.api.TornadoBackend;
import uk.ac.manchester.tornado.api.TornadoRuntime;
import uk.ac.manchester.tornado.api.common.TornadoDevice;
import uk.ac.manchester.tornado.api.runtime.TornadoRuntimeProvider;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * TornadoVM's devices as Gale devices: "tornado:&lt;backend&gt;:&lt;index&gt;", e.g. "tornado:opencl:0".
 * Found by {@link java.util.ServiceLoader} when this module is on the class path.
 */
public final class TornadoBackendProvider implements BackendProvider {

    @Override
    public String name() {
        return "tornado";
    }

    @Override
    public List<Device> devices() {
        List<Device> devices = new ArrayList<>();
        TornadoRuntime runtime = TornadoRuntimeProvider.getTornadoRuntime();
        for (int b = 0; b < runtime.getNumBackends(); b++) {
            TornadoBackend backend = runtime.getBackend(b);
            String backendName = runtime.getBackendType(b).toString().toLowerCase(Locale.ROOT);
            for (int d = 0; d < backend.getNumDevices(); d++) {
                TornadoDevice device = backend.getDevice(d);
                devices.add(new Device("tornado:" + backendName + ":" + d, device.getPhysicalDevice().getDeviceName()
                        + " (" + device.getPlatformName().strip() + ")", device.getDeviceType().toString().replace("CL_DEVICE_TYPE_", ""),
                        device.getPhysicalDevice().getDeviceGlobalMemorySize()));
            }
        }
        return devices;
    }

    @Override
    public String unavailableReason() {
        try {
            return devices().isEmpty() ? "TornadoVM found no device (is an OpenCL driver, e.g. pocl-opencl-icd, installed?)" : null;
        } catch (RuntimeException | LinkageError e) {
            return "TornadoVM did not start (" + e + "); run Gale through ./gale, which adds TornadoVM's JVM flags";
        }
    }

    @Override
    public EncoderBackend open(Encoder model, String device, EmbeddingModel.Options options) {
        int budget = options.maxBatchTokens() > 0 ? options.maxBatchTokens() : EmbeddingModel.Options.DEFAULT_MAX_BATCH_TOKENS;
        return new TornadoEncoder(model, device(device), Math.max(budget, model.maxLength()));
    }

    /** "tornado" is TornadoVM's default device; "tornado:opencl:0" is device 0 of the OpenCL backend. */
    static TornadoDevice device(String id) {
        TornadoRuntime runtime = TornadoRuntimeProvider.getTornadoRuntime();
        if (id.equals("tornado")) {
            return runtime.getDefaultDevice();
        }
        String[] parts = id.split(":");
        for (int b = 0; b < runtime.getNumBackends(); b++) {
            if (parts.length == 3 && runtime.getBackendType(b).toString().toLowerCase(Locale.ROOT).equals(parts[1])) {
                return runtime.getBackend(b).getDevice(Integer.parseInt(parts[2]));
            }
        }
        throw new IllegalArgumentException("no TornadoVM device '" + id + "'");
    }
}

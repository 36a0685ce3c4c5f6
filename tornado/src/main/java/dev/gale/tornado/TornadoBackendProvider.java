package dev.gale.tornado;

import dev.gale.encoder.BackendProvider;
import dev.gale.encoder.Device;
import dev.gale.encoder.EmbeddingModel;
import dev.gale.encoder.EncoderBackend;
import dev.gale.encoder.bert.BertModel;
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
    public EncoderBackend open(BertModel model, String device, EmbeddingModel.Options options) {
        throw new IllegalArgumentException("device '" + device + "': the TornadoVM encoder is not finished yet "
                + "(its kernels are being built and tested); use --device cpu");
    }
}

package dev.gale.encoder;

import dev.gale.encoder.nn.Encoder;

import java.util.List;

/**
 * A family of encoder backends ("cpu", "tornado"), found with {@link java.util.ServiceLoader} so that a
 * backend built only on some machines (TornadoVM's needs its SDK) plugs in when its module is on the
 * class path. See {@link Backends}.
 */
public interface BackendProvider {

    /** The prefix of its device ids: "cpu", "tornado". */
    String name();

    /** The devices it can run on now; empty if none. */
    List<Device> devices();

    /** Why it cannot run here (no SDK, no device), or null if it can. */
    String unavailableReason();

    /**
     * A backend for {@code model} on {@code device} (an id from {@link #devices()}, or just {@link #name()}
     * for its default device).
     */
    EncoderBackend open(Encoder model, String device, EmbeddingModel.Options options);
}

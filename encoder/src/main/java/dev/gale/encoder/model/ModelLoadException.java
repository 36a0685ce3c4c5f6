package dev.gale.encoder.model;

/** A model file or directory that Gale cannot load; the message names the file, the field and what was expected. */
public final class ModelLoadException extends RuntimeException {
    public ModelLoadException(String message) {
        super(message);
    }

    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}

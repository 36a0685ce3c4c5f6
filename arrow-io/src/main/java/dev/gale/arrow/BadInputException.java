package dev.gale.arrow;

/** Input data Gale cannot use; the message names the file, the row or line, and what was expected. */
public final class BadInputException extends RuntimeException {
    public BadInputException(String message) {
        super(message);
    }
}

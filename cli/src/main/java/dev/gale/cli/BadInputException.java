package dev.gale.cli;

/** Input data Gale cannot use; the message names the file, the line and what was expected. */
final class BadInputException extends RuntimeException {
    BadInputException(String message) {
        super(message);
    }
}

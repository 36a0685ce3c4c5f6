package dev.gale.server;

/**
 * A request the server refuses, answered as TEI answers it: {@code {"error": message, "error_type": type}} with
 * the status TEI gives that type (OpenAI's route: {@code {"message", "code", "error_type"}}).
 */
final class ApiError extends RuntimeException {

    /** TEI's ErrorType, with its HTTP status (router/src/http/server.rs); PAYLOAD and MALFORMED are the body's own. */
    enum Type {
        UNHEALTHY("Unhealthy", 503),
        BACKEND("Backend", 424),
        OVERLOADED("Overloaded", 429),
        VALIDATION("Validation", 422),
        TOKENIZER("Tokenizer", 422),
        EMPTY("Empty", 400),
        /** A body over --payload-limit. */
        PAYLOAD("Validation", 413),
        /** A body that is not JSON. */
        MALFORMED("Validation", 400),
        NOT_FOUND("Validation", 404),
        METHOD("Validation", 405);

        final String name;
        final int status;

        Type(String name, int status) {
            this.name = name;
            this.status = status;
        }
    }

    final Type type;

    ApiError(Type type, String message) {
        super(message, null, false, false);
        this.type = type;
    }
}

package dev.gale.encoder.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A Hugging Face {@code config.json}, read by field name as transformers spells it. Every accessor's error
 * names the file and the field, and says what was expected.
 */
public record HfConfig(JsonNode json, String source) {

    public static HfConfig read(Path file) {
        try {
            JsonNode json = new ObjectMapper().readTree(file.toFile());
            if (json == null || !json.isObject()) {
                throw new ModelLoadException(file + ": expected a JSON object");
            }
            return new HfConfig(json, file.toString());
        } catch (IOException e) {
            throw new ModelLoadException(file + ": cannot read JSON (" + e.getMessage().lines().findFirst().orElse("") + ")", e);
        }
    }

    public boolean has(String field) {
        return json.hasNonNull(field);
    }

    public String modelType() {
        return text("model_type");
    }

    public String text(String field) {
        JsonNode v = json.get(field);
        if (v == null || v.isNull()) {
            throw new ModelLoadException(source + ": field '" + field + "' is missing");
        }
        if (!v.isTextual()) {
            throw new ModelLoadException(source + ": field '" + field + "' is " + v + ", expected a string");
        }
        return v.asText();
    }

    public String text(String field, String fallback) {
        return has(field) ? text(field) : fallback;
    }

    public int integer(String field) {
        JsonNode v = json.get(field);
        if (v == null || v.isNull()) {
            throw new ModelLoadException(source + ": field '" + field + "' is missing");
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new ModelLoadException(source + ": field '" + field + "' is " + v + ", expected an integer");
        }
        return v.asInt();
    }

    public int integer(String field, int fallback) {
        return has(field) ? integer(field) : fallback;
    }

    /** A positive integer field (sizes, counts). */
    public int positive(String field) {
        int v = integer(field);
        if (v <= 0) {
            throw new ModelLoadException(source + ": field '" + field + "' is " + v + ", expected a positive integer");
        }
        return v;
    }

    public int positive(String field, int fallback) {
        return has(field) ? positive(field) : fallback;
    }

    public double number(String field, double fallback) {
        JsonNode v = json.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isNumber()) {
            throw new ModelLoadException(source + ": field '" + field + "' is " + v + ", expected a number");
        }
        return v.asDouble();
    }

    /** A LayerNorm epsilon: 0 < eps < 1. */
    public float eps(String field, double fallback) {
        double eps = number(field, fallback);
        if (!(eps > 0 && eps < 1)) {
            throw new ModelLoadException(source + ": field '" + field + "' is " + eps + ", expected 0 < eps < 1");
        }
        return (float) eps;
    }

    public boolean bool(String field, boolean fallback) {
        JsonNode v = json.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isBoolean()) {
            throw new ModelLoadException(source + ": field '" + field + "' is " + v + ", expected true or false");
        }
        return v.asBoolean();
    }

    /** Refuses a field whose value is set to anything but the allowed ones (absent is fine). */
    public void only(String field, List<?> allowed, String why) {
        JsonNode v = json.get(field);
        if (v == null || v.isNull()) {
            return;
        }
        Object value = v.isTextual() ? v.asText() : v.isBoolean() ? v.asBoolean() : v.isIntegralNumber() ? v.asInt() : v.toString();
        if (!allowed.contains(value)) {
            throw new ModelLoadException(source + ": " + field + " " + v + " is not supported (" + why + ")");
        }
    }

    /** {@code rope_parameters} (transformers 5) or the older {@code rope_theta} / {@code rope_scaling}: the theta of default RoPE. */
    public double ropeTheta(JsonNode parameters, String where, double fallback) {
        if (parameters != null && parameters.isObject()) {
            String type = parameters.path("rope_type").asText("default");
            if (!type.equals("default")) {
                throw new ModelLoadException(source + ": " + where + ".rope_type '" + type + "' is not supported (expected default)");
            }
            JsonNode theta = parameters.get("rope_theta");
            if (theta != null && theta.isNumber()) {
                return theta.asDouble();
            }
        }
        JsonNode scaling = json.get("rope_scaling");
        if (scaling != null && !scaling.isNull()) {
            throw new ModelLoadException(source + ": rope_scaling " + scaling + " is not supported (expected none)");
        }
        return number("rope_theta", fallback);
    }

    public JsonNode node(String field) {
        return json.get(field);
    }
}

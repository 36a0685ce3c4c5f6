package dev.gale.encoder.nn;

import dev.gale.encoder.model.ModelLoadException;

import java.util.Arrays;

/** The activations of transformers' {@code ACT2FN} that the encoder families use, by their config names. */
public enum Activation {
    /** x/2 (1 + erf(x / sqrt 2)): "gelu" */
    GELU,
    /** x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))): "gelu_new", "gelu_pytorch_tanh", "gelu_fast" */
    GELU_TANH,
    /** max(0, x): "relu" */
    RELU,
    /** x sigmoid(x): "silu", "swish" */
    SILU,
    /** tanh(x): "tanh" (BERT's pooler, RoBERTa's classification head) */
    TANH;

    /** The activation named {@code name} in {@code field} of {@code file}, or a one-line refusal. */
    public static Activation fromHf(String name, String file, String field) {
        return switch (name) {
            case "gelu" -> GELU;
            case "gelu_new", "gelu_pytorch_tanh", "gelu_fast" -> GELU_TANH;
            case "relu" -> RELU;
            case "silu", "swish" -> SILU;
            case "tanh" -> TANH;
            default -> throw new ModelLoadException(file + ": " + field + " '" + name + "' is not supported (expected one of "
                    + "gelu, gelu_new, gelu_pytorch_tanh, gelu_fast, relu, silu, swish, tanh)");
        };
    }

    /** Lower-case name for {@code gale info}. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    static String names() {
        return Arrays.toString(values());
    }
}

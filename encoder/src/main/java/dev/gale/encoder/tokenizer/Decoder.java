package dev.gale.encoder.tokenizer;

import java.util.List;

/**
 * Hugging Face's {@code Decoder}: turns tokens back into text. {@link #decodeChain} is the step a
 * {@code Sequence} chains; the result of decoding is the concatenation of the last step's pieces.
 * Immutable and thread-safe; the types are in {@code dev.gale.encoder.tokenizer.decoders}, except
 * Replace, which is the normalizer's, as in Hugging Face.
 */
@FunctionalInterface
public interface Decoder {

    List<String> decodeChain(List<String> tokens);

    default String decode(List<String> tokens) {
        return String.join("", decodeChain(tokens));
    }
}

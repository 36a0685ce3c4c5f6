package dev.gale.encoder.tokenizer;

/**
 * Hugging Face's {@code PreTokenizer}: cuts the not yet tokenized pieces of a {@link PreTokenizedString}
 * into words (and may rewrite them, as ByteLevel and Metaspace do). Immutable and thread-safe; the
 * types tokenizer.json names are in {@code dev.gale.encoder.tokenizer.pretokenizers}.
 */
@FunctionalInterface
public interface PreTokenizer {

    void preTokenize(PreTokenizedString text);
}

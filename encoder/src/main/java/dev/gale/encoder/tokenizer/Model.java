package dev.gale.encoder.tokenizer;

import java.util.OptionalInt;

/**
 * Hugging Face's {@code Model} (WordPiece, BPE, Unigram, WordLevel): turns one word into tokens.
 * Immutable and thread-safe; the types are in {@code dev.gale.encoder.tokenizer.models}.
 */
public interface Model {

    /**
     * Appends the tokens of {@code word} to {@code out} as (id, start, end) triples, start and end
     * being char offsets into {@code word}. A token that stands for part of a code point (a byte
     * fallback token) gets the offsets of the whole code point, as the byte offsets Hugging Face
     * reports end up once mapped back.
     */
    void tokenize(CharSequence word, IntList out);

    OptionalInt tokenToId(String token);

    /**
     * The string of a token {@link #tokenize} produced from {@code word[start, end)}: its vocabulary
     * entry, except where Hugging Face's model says otherwise (Unigram's unknown pieces keep their text).
     */
    default String tokenValue(int id, CharSequence word, int start, int end) {
        return idToToken(id);
    }

    /** The token with this id, or {@code null} when the vocabulary has none. */
    String idToToken(int id);

    /** The unknown token's id, or -1 when the model has none. */
    default int unkId() {
        return -1;
    }

    /**
     * WordPiece's (and a BPE's) {@code continuing_subword_prefix} ("##"), or null when the model has none: what
     * marks a token that continues a word, which transformers' token-classification pipeline reads.
     */
    default String continuingSubwordPrefix() {
        return null;
    }

    /** {@code get_vocab_size}: the number of entries in the vocabulary. */
    int vocabSize();
}

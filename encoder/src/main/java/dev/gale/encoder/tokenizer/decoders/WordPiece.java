package dev.gale.encoder.tokenizer.decoders;

import dev.gale.encoder.tokenizer.Decoder;
import java.util.ArrayList;
import java.util.List;

/**
 * Hugging Face's {@code WordPiece} decoder ({@code decoders/wordpiece.rs}): every token but the
 * first loses {@code prefix} when it starts with it and gains a leading space otherwise; with
 * {@code cleanup}, {@link #cleanup} runs on every token.
 */
public final class WordPiece implements Decoder {

    private final String prefix;
    private final boolean cleanup;

    public WordPiece(String prefix, boolean cleanup) {
        this.prefix = prefix;
        this.cleanup = cleanup;
    }

    /**
     * wordpiece.rs {@code cleanup}: spaces before punctuation and English contractions, replaced in
     * this order, one token at a time (so a space that the next token brings is not seen).
     */
    static String cleanup(String dirty) {
        return dirty
                .replace(" .", ".")
                .replace(" ?", "?")
                .replace(" !", "!")
                .replace(" ,", ",")
                .replace(" ' ", "'")
                .replace(" n't", "n't")
                .replace(" 'm", "'m")
                .replace(" do not", " don't")
                .replace(" 's", "'s")
                .replace(" 've", "'ve")
                .replace(" 're", "'re");
    }

    @Override
    public List<String> decodeChain(List<String> tokens) {
        List<String> out = new ArrayList<>(tokens.size());
        for (int i = 0; i < tokens.size(); i++) {
            String token = tokens.get(i);
            if (i != 0) {
                token = token.startsWith(prefix) ? token.substring(prefix.length()) : " " + token;
            }
            out.add(cleanup ? cleanup(token) : token);
        }
        return out;
    }
}

package dev.gale.encoder.tokenizer;

/**
 * Hugging Face's {@code BertPreTokenizer} ({@code pre_tokenizers/bert.rs}): splits on
 * White_Space, dropping it, and isolates every punctuation character as a word of its own.
 * Both of the Rust version's passes are done in one scan here.
 */
final class BertPreTokenizer {

    /**
     * Appends the words of {@code text[from, to)} to {@code bounds} as (start, end) pairs of
     * char offsets into {@code text}; empty words are never produced.
     */
    void preTokenize(CharSequence text, int from, int to, IntList bounds) {
        int wordStart = -1;
        for (int i = from; i < to; ) {
            int cp = UnicodeCategories.codePointAt(text, i, to);
            int next = i + Character.charCount(cp);
            if (cp == ' ' || UnicodeCategories.isWhitespace(cp)) {
                if (wordStart >= 0) {
                    bounds.add(wordStart);
                    bounds.add(i);
                    wordStart = -1;
                }
            } else if (UnicodeCategories.isBertPunctuation(cp)) {
                if (wordStart >= 0) {
                    bounds.add(wordStart);
                    bounds.add(i);
                    wordStart = -1;
                }
                bounds.add(i);
                bounds.add(next);
            } else if (wordStart < 0) {
                wordStart = i;
            }
            i = next;
        }
        if (wordStart >= 0) {
            bounds.add(wordStart);
            bounds.add(to);
        }
    }
}

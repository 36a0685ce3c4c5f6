package dev.gale.encoder.tokenizer.pretokenizers;

import dev.gale.encoder.tokenizer.NormalizedString;
import dev.gale.encoder.tokenizer.PreTokenizedString;
import dev.gale.encoder.tokenizer.PreTokenizer;
import dev.gale.encoder.tokenizer.SplitDelimiterBehavior;
import dev.gale.encoder.tokenizer.SplitPattern;

/**
 * Hugging Face's {@code Metaspace} pre-tokenizer ({@code pre_tokenizers/metaspace.rs}): every space
 * of a piece becomes the replacement char (▁ by default), the replacement is put in front of the
 * piece as the prepend scheme says, and with {@code split} the piece is cut before every replacement
 * char (each joins the word after it).
 */
public final class Metaspace implements PreTokenizer {

    /** When the replacement goes in front of a piece. */
    public enum PrependScheme {
        /** in front of every piece that does not start with it */
        ALWAYS,
        /** only in front of a piece that starts the input (original offset 0) */
        FIRST,
        /** never */
        NEVER
    }

    private static final SplitPattern SPACE = SplitPattern.ofCodePoints(cp -> cp == ' ');

    private final int replacement; // a code point
    private final String replacementText;
    private final PrependScheme prependScheme;
    private final boolean split;
    private final SplitPattern replacementPattern;

    public Metaspace(int replacement, PrependScheme prependScheme, boolean split) {
        this.replacement = replacement;
        this.replacementText = Character.toString(replacement);
        this.prependScheme = prependScheme;
        this.split = split;
        this.replacementPattern = SplitPattern.ofCodePoints(cp -> cp == replacement);
    }

    public PrependScheme prependScheme() {
        return prependScheme;
    }

    public boolean split() {
        return split;
    }

    @Override
    public void preTokenize(PreTokenizedString text) {
        text.split((index, piece, out) -> {
            if (replacement < Character.MIN_SUPPLEMENTARY_CODE_POINT) {
                // one char for one: what replace does, without rebuilding the arrays
                for (int i = 0; i < piece.length(); i++) {
                    if (piece.charAt(i) == ' ') {
                        piece.setCharAt(i, (char) replacement);
                    }
                }
            } else if (contains(piece, ' ')) {
                piece.replace(SPACE, replacementText);
            }
            boolean startsWithReplacement = !piece.isEmpty() && piece.codePointAt(0) == replacement;
            switch (prependScheme) {
                case ALWAYS -> {
                    if (!startsWithReplacement) {
                        piece.prepend(replacementText);
                    }
                }
                case FIRST -> {
                    if (!startsWithReplacement && piece.originalStart() == 0) {
                        piece.prepend(replacementText);
                    }
                }
                case NEVER -> { }
            }
            if (split) {
                piece.split(replacementPattern, SplitDelimiterBehavior.MERGED_WITH_NEXT, out);
            } else {
                out.add(piece);
            }
        });
    }

    private static boolean contains(NormalizedString s, char c) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == c) {
                return true;
            }
        }
        return false;
    }
}

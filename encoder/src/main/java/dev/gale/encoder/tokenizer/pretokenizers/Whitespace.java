package dev.gale.encoder.tokenizer.pretokenizers;

import dev.gale.encoder.tokenizer.NormalizedString;
import dev.gale.encoder.tokenizer.PreTokenizedString;
import dev.gale.encoder.tokenizer.PreTokenizer;
import dev.gale.encoder.tokenizer.UnicodeCategories;
import java.util.List;

/**
 * Hugging Face's {@code Whitespace} ({@code pre_tokenizers/whitespace.rs}): the words are the
 * matches of the regex crate's {@code \w+|[^\w\s]+}, the white space between them is dropped. A
 * scan for runs of word chars and runs of other non-space chars finds the same words.
 */
public final class Whitespace implements PreTokenizer {

    private static final int WORD = 0;
    private static final int OTHER = 1;
    private static final int SPACE = 2;

    @Override
    public void preTokenize(PreTokenizedString text) {
        text.split(Whitespace::split);
    }

    private static void split(int index, NormalizedString piece, List<NormalizedString> out) {
        int n = piece.length();
        int runStart = -1;
        int runKind = SPACE;
        for (int i = 0; i < n; ) {
            int cp = UnicodeCategories.codePointAt(piece, i, n);
            int flags = CharClasses.of(cp);
            int kind = (flags & CharClasses.WORD) != 0 ? WORD : (flags & CharClasses.WHITESPACE) != 0 ? SPACE : OTHER;
            if (kind != runKind) {
                if (runKind != SPACE) {
                    out.add(piece.slice(runStart, i));
                }
                runStart = i;
                runKind = kind;
            }
            i += Character.charCount(cp);
        }
        if (runKind != SPACE) {
            out.add(piece.slice(runStart, n));
        }
    }
}

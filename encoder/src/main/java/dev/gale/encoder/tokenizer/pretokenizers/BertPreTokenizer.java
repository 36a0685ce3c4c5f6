package dev.gale.encoder.tokenizer.pretokenizers;

import dev.gale.encoder.tokenizer.NormalizedString;
import dev.gale.encoder.tokenizer.PreTokenizedString;
import dev.gale.encoder.tokenizer.PreTokenizer;
import dev.gale.encoder.tokenizer.UnicodeCategories;
import java.util.List;

/**
 * Hugging Face's {@code BertPreTokenizer} ({@code pre_tokenizers/bert.rs}): splits on White_Space,
 * dropping it, and isolates every punctuation char ({@code is_bert_punc}: ASCII punctuation or
 * Unicode P*) as a word of its own. Both of the Rust version's passes are one scan here, and the
 * words are slices of the piece.
 */
public final class BertPreTokenizer implements PreTokenizer {

    @Override
    public void preTokenize(PreTokenizedString text) {
        text.split(BertPreTokenizer::split);
    }

    private static void split(int index, NormalizedString piece, List<NormalizedString> out) {
        int n = piece.length();
        int wordStart = -1;
        for (int i = 0; i < n; ) {
            int cp = UnicodeCategories.codePointAt(piece, i, n);
            int next = i + Character.charCount(cp);
            int flags = CharClasses.of(cp);
            if ((flags & CharClasses.WHITESPACE) != 0) {
                if (wordStart >= 0) {
                    out.add(piece.slice(wordStart, i));
                    wordStart = -1;
                }
            } else if ((flags & CharClasses.BERT_PUNCTUATION) != 0) {
                if (wordStart >= 0) {
                    out.add(piece.slice(wordStart, i));
                    wordStart = -1;
                }
                out.add(piece.slice(i, next));
            } else if (wordStart < 0) {
                wordStart = i;
            }
            i = next;
        }
        if (wordStart >= 0) {
            out.add(piece.slice(wordStart, n));
        }
    }
}

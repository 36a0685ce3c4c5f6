package dev.gale.encoder.tokenizer.pretokenizers;

import dev.gale.encoder.tokenizer.PreTokenizedString;
import dev.gale.encoder.tokenizer.PreTokenizer;
import dev.gale.encoder.tokenizer.UnicodeCategories;

/**
 * Hugging Face's {@code UnicodeScripts} ({@code pre_tokenizers/unicode_scripts/pre_tokenizer.rs}):
 * cuts a piece where the script changes, with SentencePiece's fix-ups (Hiragana, Katakana and U+30FC
 * count as Han; a space and code points outside the table belong to any script). A cut falls just
 * before a char whose script differs from the last char's that had one; so the chars of no script
 * before the first char that has one are dropped, and a piece with no such char at all vanishes.
 */
public final class UnicodeScripts implements PreTokenizer {

    @Override
    public void preTokenize(PreTokenizedString text) {
        text.split((index, piece, out) -> {
            int n = piece.length();
            int last = UnicodeScriptTable.ANY; // the last script seen, ANY for none yet
            int start = -1;
            for (int i = 0; i < n; ) {
                int cp = UnicodeCategories.codePointAt(piece, i, n);
                int script = UnicodeScriptTable.fixedScript(cp);
                if (script != UnicodeScriptTable.ANY && script != last) {
                    if (start >= 0) {
                        out.add(piece.slice(start, i));
                    }
                    start = i;
                }
                if (script != UnicodeScriptTable.ANY) {
                    last = script;
                }
                i += Character.charCount(cp);
            }
            if (start >= 0) {
                out.add(piece.slice(start, n));
            }
        });
    }
}

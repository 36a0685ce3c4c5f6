package dev.gale.encoder.tokenizer.pretokenizers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link CharClasses} against the classes tokenizers 0.23.2 uses, measured by generate.py on every
 * code point (/pretokenizers/char-classes.json): Oniguruma's {@code \p{L} \p{N} \s}, the regex
 * crate's {@code \w \s} (Whitespace), {@code char::is_whitespace} (WhitespaceSplit),
 * {@code char::is_numeric} (Digits) and the BERT / Punctuation punctuation test.
 */
class CharClassesTest {

    @Test
    void everyCodePointIsInTheSameClassesAsInRust() throws Exception {
        JsonNode classes = PreTokenizerTesting.JSON.readTree(
                String.join("\n", PreTokenizerTesting.lines("/pretokenizers/char-classes.json")));
        List<String> failures = new ArrayList<>();
        check(classes, "onig \\p{L}", CharClasses.LETTER, failures);
        check(classes, "onig \\p{N}", CharClasses.NUMBER, failures);
        check(classes, "onig \\s", CharClasses.WHITESPACE, failures);
        check(classes, "Whitespace \\w", CharClasses.WORD, failures);
        check(classes, "Whitespace \\s", CharClasses.WHITESPACE, failures);
        check(classes, "is_whitespace", CharClasses.WHITESPACE, failures);
        check(classes, "is_numeric", CharClasses.NUMERIC, failures);
        check(classes, "is_bert_punc", CharClasses.BERT_PUNCTUATION, failures);
        check(classes, "is_punc", CharClasses.BERT_PUNCTUATION, failures);
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    private static void check(JsonNode classes, String name, int flag, List<String> failures) {
        BitSet rust = new BitSet(0x110000);
        for (JsonNode range : classes.get(name)) {
            rust.set(range.get(0).intValue(), range.get(1).intValue() + 1);
        }
        assertTrue(rust.cardinality() > 0, name);
        int differ = 0;
        StringBuilder some = new StringBuilder();
        for (int cp = 0; cp < 0x110000; cp++) {
            if (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) {
                continue;
            }
            if (rust.get(cp) != CharClasses.is(cp, flag)) {
                if (differ++ < 8) {
                    some.append(String.format(" U+%04X (Rust %b)", cp, rust.get(cp)));
                }
            }
        }
        if (differ > 0) {
            failures.add(name + ": " + differ + " code points differ:" + some);
        }
        assertEquals(0, CharClasses.of(0xD800), "a lone surrogate is in no class");
    }
}

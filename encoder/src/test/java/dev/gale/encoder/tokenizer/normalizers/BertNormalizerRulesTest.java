package dev.gale.encoder.tokenizer.normalizers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * BertNormalizer's rules against expectations written out by hand from Hugging Face's
 * {@code normalizers/bert.rs} and the Unicode tables of the Rust crates it uses.
 */
class BertNormalizerRulesTest {

    private static final BertNormalizer BERT_UNCASED = new BertNormalizer(true, true, true, true);

    @Test
    void normalizerLowercasesAndStripsAccents() {
        assertEquals("hello, world!", BERT_UNCASED.normalize("Héllo, WORLD!"));
        assertEquals("creme brulee", BERT_UNCASED.normalize("Crème Brûlée"));
        assertEquals("creme", BERT_UNCASED.normalize("Cre\u0300me"));
        assertEquals("angstrom k", BERT_UNCASED.normalize("\u212Bngstr\u00f6m \u212A"));
    }

    @Test
    void normalizerKeepsAccentsWhenAsked() {
        BertNormalizer keep = new BertNormalizer(true, true, false, true);
        assertEquals("crème", keep.normalize("Crème"));
        // Rust's char::to_lowercase: full mapping for U+0130, no final-sigma rule.
        assertEquals("i\u0307stanbul", keep.normalize("\u0130stanbul"));
        assertEquals("οδοσ", keep.normalize("ΟΔΟΣ"));
        assertEquals("ß ß", keep.normalize("ß ẞ"));
        BertNormalizer cased = new BertNormalizer(true, true, false, false);
        assertEquals("Crème WORLD", cased.normalize("Crème WORLD"));
    }

    @Test
    void normalizerCleansControlsAndWhitespace() {
        assertEquals("abcde", BERT_UNCASED.normalize("a\u0000b\u0001c\u007fd\ufffde"));
        assertEquals("a b c d", BERT_UNCASED.normalize("a\tb\nc\rd"));
        assertEquals("a b c d e", BERT_UNCASED.normalize("a\u00a0b\u3000c\u2028d\u2003e"));
        // Vertical tab, form feed and NEL are Cc: removed before whitespace is mapped.
        assertEquals("abcd", BERT_UNCASED.normalize("a\u000bb\u000cc\u0085d"));
        assertEquals("abcd", BERT_UNCASED.normalize("a\u200bb\ufeffc\u00add"));
        // Private use (Co) goes; unassigned code points stay.
        assertEquals("ab\u0378", BERT_UNCASED.normalize("a\ue001b\u0378"));
        BertNormalizer noCleaning = new BertNormalizer(false, false, false, false);
        assertEquals("a\u0000b\tc", noCleaning.normalize("a\u0000b\tc"));
    }

    @Test
    void normalizerUsesTheOldUnicodeTablesOfTheRustCrate() {
        // U+0890 became Cf and U+0898 Mn in Unicode 14, after unicode_categories 0.1.1.
        assertEquals("\u0890", BERT_UNCASED.normalize("\u0890"));
        assertEquals("a\u0898", BERT_UNCASED.normalize("a\u0898"));
        assertEquals(Character.NON_SPACING_MARK, Character.getType(0x0898));
    }

    @Test
    void normalizerSurroundsCjkIdeographsWithSpaces() {
        assertEquals(" 中  文 ab", BERT_UNCASED.normalize("中文ab"));
        assertEquals("x \uD840\uDC00 y", BERT_UNCASED.normalize("x\uD840\uDC00y"));
        // Kana are not spaced, but their voicing marks (U+3099, Mn after NFD) are stripped.
        assertEquals("ひらかな", BERT_UNCASED.normalize("ひらがな"));
        // Compatibility ideographs are spaced, then NFD maps them to the unified ones.
        assertEquals(" \u8c48 ", BERT_UNCASED.normalize("\uF900"));
    }
}

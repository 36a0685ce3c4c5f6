package dev.gale.encoder.tokenizer.decoders;

import static dev.gale.encoder.tokenizer.decoders.DecoderAssertions.assertChain;
import static dev.gale.encoder.tokenizer.decoders.DecoderAssertions.assertDecodes;

import dev.gale.encoder.tokenizer.normalizers.Replace;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Replace decoder (normalizers/replace.rs, the Replace normalizer as a decoder), literal and
 * regex patterns, with Oniguruma's find_iter semantics for empty matches and its regex syntax.
 * Expected values come from Python tokenizers 0.23.2: {@code
 * tokenizers.decoders.Replace(pattern, content).decode(tokens)}, the pattern a str or a {@code
 * tokenizers.Regex}.
 */
class ReplaceTest {
    @Test
    void literalPatterns() {
        assertDecodes(" a bc", Replace.literal("▁", " "), List.of("▁a▁b", "", "c"));
        assertDecodes("XaXbXX\uD83D\uDE00XaX", Replace.literal("", "X"), List.of("ab", "", "\uD83D\uDE00a"));
        assertDecodes("babb", Replace.literal("aa", "b"), List.of("aaa", "aaaa"));
        assertDecodes("XabX.", Replace.literal("a.", "X"), List.of("a.ab", "a.."));
        assertDecodes("", Replace.literal("▁", ""), List.of("▁▁"));
        assertDecodes("a/b", Replace.literal("\\", "/"), List.of("a\\b"));
    }

    @Test
    void regexPatterns() {
        assertDecodes("XbXcX", Replace.regex("a*", "X"), List.of("baac", ""));
        assertDecodes("XbXcX", Replace.regex("a*|b", "X"), List.of("baac"));
        assertDecodes("|ab| |cd|", Replace.regex("\\b", "|"), List.of("ab cd"));
        assertDecodes("XaXaX", Replace.regex("a??", "X"), List.of("aa"));
        assertDecodes("XaXa", Replace.regex("(?=a)|a", "X"), List.of("aa"));
        assertDecodes("X\uD83D\uDE00XaX", Replace.regex("x*", "X"), List.of("\uD83D\uDE00a"));
        assertDecodes("X\nX", Replace.regex("^a", "X"), List.of("a\na"));
        assertDecodes("X\nX", Replace.regex("a$", "X"), List.of("a\na"));
        assertDecodes("a b c d e", Replace.regex("\\s+", " "), List.of("a  b\tc\u00A0d\u3000e"));
        assertDecodes("##x", Replace.regex("\\d", "#"), List.of("1٣x"));
        assertDecodes("W-W", Replace.regex("\\w+", "W"), List.of("é_a-b"));
        assertDecodes("X\nX", Replace.regex(".", "X"), List.of("a\nb"));
        assertDecodes("L1L", Replace.regex("\\p{L}+", "L"), List.of("aé1日本"));
        assertDecodes("XX", Replace.regex("(?i)a", "X"), List.of("Aa"));
        assertDecodes("Xb\ncd", Replace.regex("\\A.", "X"), List.of("ab\ncd"));
        assertDecodes("ab\nX", Replace.regex("\\z", "X"), List.of("ab\n"));
        assertDecodes("abX\nX", Replace.regex("\\Z", "X"), List.of("ab\n"));
        assertDecodes("-\uD83D\uDE00-a-", Replace.regex("", "-"), List.of("\uD83D\uDE00a"));
        assertDecodes("$1", Replace.regex("(a)(b)", "$1"), List.of("ab"));
        assertDecodes(" a b", Replace.regex("▁+", " "), List.of("▁▁a▁", "b"));
    }

    @Test
    void regexesMeanWhatTheyMeanInOniguruma() {
        // . is any char but \n, with (?m) any char; \w has ² but not ZWJ; \h is a hex digit, \v U+000B;
        // a(?i)b|c is a(?i:b|c); blocks by name
        assertDecodes("XXXXX", Replace.regex(".", "X"), List.of("a\rb\u2028c"));
        assertDecodes("XX\u200DX", Replace.regex("\\w+", "X"), List.of("\u00B2a", "a\u200Db"));
        assertDecodes("XXX", Replace.regex("(?m).", "X"), List.of("a\nb"));
        assertDecodes("XG", Replace.regex("\\h", "X"), List.of("aG"));
        assertDecodes("XC", Replace.regex("a(?i)b|c", "X"), List.of("aBC"));
        assertDecodes("aXb\nc", Replace.regex("\\v", "X"), List.of("a\u000Bb\nc"));
        assertDecodes("\u00B2", Replace.regex("[\\w]", "X"), List.of("\u00B2"));
        assertDecodes("X\u00E9X", Replace.regex("\\p{In_Basic_Latin}+", "X"), List.of("ab\u00E9c"));
    }

    @Test
    void chainKeepsOnePiecePerToken() {
        assertChain(List.of(" a", "", "b "), Replace.literal("▁", " "), List.of("▁a", "", "b▁"));
    }
}

package dev.gale.encoder.tokenizer.decoders;

import static dev.gale.encoder.tokenizer.decoders.DecoderAssertions.assertDecodes;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The ByteLevel decoder (pre_tokenizers/byte_level.rs): GPT-2 alphabet back to bytes, then Rust's
 * {@code String::from_utf8_lossy}: one U+FFFD per maximal ill-formed subpart. Expected values come
 * from Python tokenizers 0.23.2: {@code tokenizers.decoders.ByteLevel().decode(tokens)}, each token
 * of the byte table built from the bytes in its comment with GPT-2's bytes_to_unicode.
 */
class ByteLevelTest {
    private static final ByteLevel BYTE_LEVEL = new ByteLevel();

    /** bytes_to_unicode from openai/gpt-2 encoder.py: printable bytes keep their code, the rest get 256, 257, ... */
    private static char[] bytesToUnicode() {
        char[] alphabet = new char[256];
        int n = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            alphabet[b] = (char) (printable ? b : 256 + n++);
        }
        return alphabet;
    }

    @Test
    void decodesLikeHuggingFace() {
        assertDecodes("", BYTE_LEVEL, List.of());
        assertDecodes("", BYTE_LEVEL, List.of(""));
        assertDecodes(" hello world!", BYTE_LEVEL, List.of("Ġhello", "Ġw", "orld", "!"));
        assertDecodes("Hello my friend, how is your day going?", BYTE_LEVEL, List.of("Hello", "Ġmy", "Ġfriend", ",", "Ġhow", "Ġis", "Ġyour", "Ġday", "Ġgoing", "?"));
        assertDecodes(" 生x", BYTE_LEVEL, List.of("ĠçĶ", "Ł", "x"));
        assertDecodes(" \uFFFDx\uD83D\uDE00", BYTE_LEVEL, List.of("ĠçĶ", "x", "ðŁĺ", "Ģ"));
        assertDecodes("\uFFFD", BYTE_LEVEL, List.of("çĶ"));
        assertDecodes("Ġ日本 a", BYTE_LEVEL, List.of("Ġ日本", "Ġa"));
        assertDecodes("a b c", BYTE_LEVEL, List.of("a b", "Ġc"));
        assertDecodes("\n\n\t\u0000\u007F\uFFFD\uFFFD", BYTE_LEVEL, List.of("ĊĊ", "ĉ", "Ā", "ġ", "Ń", "ł"));
        assertDecodes("    ", BYTE_LEVEL, List.of("Ġ", "Ġ", "ĠĠ"));
        assertDecodes("\uD83D\uDE00", BYTE_LEVEL, List.of("ðŁĺĢ"));
        assertDecodes("\uD83D\uDE00\uD83D\uDE00", BYTE_LEVEL, List.of("ðŁĺ", "ĢðŁ", "ĺĢ"));
        assertDecodes("\uFFFD \uFFFD\uFFFD", BYTE_LEVEL, List.of("ðŁ", "Ġ", "ĺĢ"));
        assertDecodes("\uFFFD", BYTE_LEVEL, List.of("é"));
        assertDecodes("é", BYTE_LEVEL, List.of("Ã", "©"));
        assertDecodes("\uFFFD", BYTE_LEVEL, List.of("Ã"));
        assertDecodes("\uD83D\uDE00\uD83D\uDE00", BYTE_LEVEL, List.of("\uD83D\uDE00", "ðŁĺĢ"));
    }

    @Test
    void replacesEachMaximalIllFormedSubpartOnce() {
        assertDecodes("\uFFFD", BYTE_LEVEL, List.of("Ģ")); // 80
        assertDecodes("\uFFFD", BYTE_LEVEL, List.of("¿")); // bf
        assertDecodes("\uFFFD\uFFFD", BYTE_LEVEL, List.of("ÀĢ")); // c0 80
        assertDecodes("\uFFFD\uFFFD", BYTE_LEVEL, List.of("Á¿")); // c1 bf
        assertDecodes("\uFFFD", BYTE_LEVEL, List.of("Â")); // c2
        assertDecodes("\uFFFD\u007F", BYTE_LEVEL, List.of("Âġ")); // c2 7f
        assertDecodes("\u0080", BYTE_LEVEL, List.of("ÂĢ")); // c2 80
        assertDecodes("\u07FF", BYTE_LEVEL, List.of("ß¿")); // df bf
        assertDecodes("\uFFFD\uFFFD", BYTE_LEVEL, List.of("ßÀ")); // df c0
        assertDecodes("\uFFFD", BYTE_LEVEL, List.of("à")); // e0
        assertDecodes("\uFFFD\uFFFD", BYTE_LEVEL, List.of("àĢ")); // e0 80
        assertDecodes("\uFFFD\uFFFD\uFFFD", BYTE_LEVEL, List.of("àŁ¿")); // e0 9f bf
        assertDecodes("\uFFFD", BYTE_LEVEL, List.of("àł")); // e0 a0
        assertDecodes("\u0800", BYTE_LEVEL, List.of("àłĢ")); // e0 a0 80
        assertDecodes("\uFFFD\u007F", BYTE_LEVEL, List.of("àłġ")); // e0 a0 7f
        assertDecodes("\uFFFD", BYTE_LEVEL, List.of("áĢ")); // e1 80
        assertDecodes("\u1000", BYTE_LEVEL, List.of("áĢĢ")); // e1 80 80
        assertDecodes("\uCFFF", BYTE_LEVEL, List.of("ì¿¿")); // ec bf bf
        assertDecodes("\uD000", BYTE_LEVEL, List.of("íĢĢ")); // ed 80 80
        assertDecodes("\uD7FF", BYTE_LEVEL, List.of("íŁ¿")); // ed 9f bf
        assertDecodes("\uFFFD\uFFFD\uFFFD", BYTE_LEVEL, List.of("íłĢ")); // ed a0 80
        assertDecodes("\uFFFD\uFFFD\uFFFD", BYTE_LEVEL, List.of("í¿¿")); // ed bf bf
        assertDecodes("\uE000", BYTE_LEVEL, List.of("îĢĢ")); // ee 80 80
        assertDecodes("\uFFFF", BYTE_LEVEL, List.of("ï¿¿")); // ef bf bf
        assertDecodes("\uFFFD", BYTE_LEVEL, List.of("ï¿")); // ef bf
        assertDecodes("\uFFFD\uFFFD", BYTE_LEVEL, List.of("ï¿À")); // ef bf c0
        assertDecodes("\uFFFD", BYTE_LEVEL, List.of("ð")); // f0
        assertDecodes("\uFFFD\uFFFD\uFFFD\uFFFD", BYTE_LEVEL, List.of("ðı¿¿")); // f0 8f bf bf
        assertDecodes("\uFFFD", BYTE_LEVEL, List.of("ðĲ")); // f0 90
        assertDecodes("\uFFFD", BYTE_LEVEL, List.of("ðĲĢ")); // f0 90 80
        assertDecodes("\uD800\uDC00", BYTE_LEVEL, List.of("ðĲĢĢ")); // f0 90 80 80
        assertDecodes("\uFFFD\u007F", BYTE_LEVEL, List.of("ðĲĢġ")); // f0 90 80 7f
        assertDecodes("\uD8C0\uDC00", BYTE_LEVEL, List.of("ñĢĢĢ")); // f1 80 80 80
        assertDecodes("\uDBBF\uDFFF", BYTE_LEVEL, List.of("ó¿¿¿")); // f3 bf bf bf
        assertDecodes("\uDBFF\uDFFF", BYTE_LEVEL, List.of("ôı¿¿")); // f4 8f bf bf
        assertDecodes("\uFFFD\uFFFD\uFFFD\uFFFD", BYTE_LEVEL, List.of("ôĲĢĢ")); // f4 90 80 80
        assertDecodes("\uFFFD", BYTE_LEVEL, List.of("ôı")); // f4 8f
        assertDecodes("\uFFFD\uFFFD\uFFFD\uFFFD", BYTE_LEVEL, List.of("õĢĢĢ")); // f5 80 80 80
        assertDecodes("\u20AC\uFFFD", BYTE_LEVEL, List.of("âĤ¬Ģ")); // e2 82 ac 80
        assertDecodes("a\uFFFDb", BYTE_LEVEL, List.of("aâĤb")); // 61 e2 82 62
        assertDecodes("\uFFFDAB", BYTE_LEVEL, List.of("ðŁĺAB")); // f0 9f 98 41 42
        assertDecodes("\u00E9\uFFFD", BYTE_LEVEL, List.of("Ã©Ã")); // c3 a9 c3
        assertDecodes("\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD", BYTE_LEVEL, List.of("íłĢí°Ģ")); // ed a0 80 ed b0 80
        assertDecodes("\uFFFD\u0800", BYTE_LEVEL, List.of("ààłĢ")); // e0 e0 a0 80
        assertDecodes("\uFFFD\uD83D\uDE00", BYTE_LEVEL, List.of("ðŁðŁĺĢ")); // f0 9f f0 9f 98 80
        assertDecodes("\u0000\u007F", BYTE_LEVEL, List.of("Āġ")); // 00 7f
        assertDecodes("\uFFFD\uFFFD", BYTE_LEVEL, List.of("ÁĢ")); // c1 80
        assertDecodes("\uFFFD\uFFFD", BYTE_LEVEL, List.of("õĢ")); // f5 80
        assertDecodes("\uFFFD\uFFFD", BYTE_LEVEL, List.of("öĢ")); // f6 80
        assertDecodes("\uFFFD\uFFFD", BYTE_LEVEL, List.of("÷Ģ")); // f7 80
        assertDecodes("\uFFFD\uFFFD", BYTE_LEVEL, List.of("øĢ")); // f8 80
        assertDecodes("\uFFFD\uFFFD", BYTE_LEVEL, List.of("ùĢ")); // f9 80
        assertDecodes("\uFFFD\uFFFD", BYTE_LEVEL, List.of("úĢ")); // fa 80
        assertDecodes("\uFFFD\uFFFD", BYTE_LEVEL, List.of("ûĢ")); // fb 80
        assertDecodes("\uFFFD\uFFFD", BYTE_LEVEL, List.of("üĢ")); // fc 80
        assertDecodes("\uFFFD\uFFFD", BYTE_LEVEL, List.of("ýĢ")); // fd 80
        assertDecodes("\uFFFD\uFFFD", BYTE_LEVEL, List.of("þĢ")); // fe 80
        assertDecodes("\uFFFD\uFFFD", BYTE_LEVEL, List.of("ÿĢ")); // ff 80
    }

    // GPT-2's bytes_to_unicode (openai/gpt-2 encoder.py), written out here, encodes text that
    // the decoder must give back unchanged: every scalar value, in tokens of up to 4096 of them.
    @Test
    void roundTripsEveryCodePoint() {
        char[] alphabet = bytesToUnicode();
        StringBuilder text = new StringBuilder();
        StringBuilder token = new StringBuilder();
        for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
            if (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) {
        continue;
            }
            text.appendCodePoint(cp);
            if (text.length() >= 4096 || cp == Character.MAX_CODE_POINT) {
        token.setLength(0);
        for (byte b : text.toString().getBytes(StandardCharsets.UTF_8)) {
            token.append(alphabet[b & 0xFF]);
        }
        assertEquals(text.toString(), BYTE_LEVEL.decode(List.of(token.toString())));
        text.setLength(0);
            }
        }
    }
}

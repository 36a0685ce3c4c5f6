package dev.gale.encoder.tokenizer.decoders;

import dev.gale.encoder.tokenizer.Decoder;
import dev.gale.encoder.tokenizer.Utf8;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Hugging Face's {@code ByteFallback} decoder ({@code decoders/byte_fallback.rs}): each run of
 * {@code <0xNN>} tokens becomes one piece, the text of those bytes, or one U+FFFD piece per byte
 * token when the run as a whole is not valid UTF-8. Other tokens pass through.
 */
public final class ByteFallback implements Decoder {

    private static final String REPLACEMENT = "\uFFFD";

    @Override
    public List<String> decodeChain(List<String> tokens) {
        List<String> out = new ArrayList<>(tokens.size());
        byte[] run = new byte[16];
        int length = 0;
        for (String token : tokens) {
            int value = byteValue(token);
            if (value >= 0) {
                if (length == run.length) {
                    run = Arrays.copyOf(run, length * 2);
                }
                run[length++] = (byte) value;
                continue;
            }
            flush(run, length, out);
            length = 0;
            out.add(token);
        }
        flush(run, length, out);
        return out;
    }

    private static void flush(byte[] run, int length, List<String> out) {
        if (length == 0) {
            return;
        }
        String text = Utf8.strict(run, length);
        if (text != null) {
            out.add(text);
        } else {
            for (int i = 0; i < length; i++) {
                out.add(REPLACEMENT);
            }
        }
    }

    /**
     * The byte a token of 6 UTF-8 bytes {@code <0xNN>} stands for, or -1. NN is read by Rust's
     * {@code u8::from_str_radix(_, 16)}, which takes either case and a leading '+' ({@code <0x+A>}).
     * A non-ASCII char makes the token longer than 6 bytes or NN not hex, so UTF-16 length 6 suffices.
     */
    private static int byteValue(String token) {
        if (token.length() != 6 || !token.startsWith("<0x") || token.charAt(5) != '>') {
            return -1;
        }
        int low = hex(token.charAt(4));
        char first = token.charAt(3);
        if (low < 0 || first == '+') {
            return low;
        }
        int high = hex(first);
        return high < 0 ? -1 : high << 4 | low;
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }
}

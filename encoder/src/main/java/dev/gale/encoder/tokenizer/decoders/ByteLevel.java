package dev.gale.encoder.tokenizer.decoders;

import dev.gale.encoder.tokenizer.ByteLevelAlphabet;
import dev.gale.encoder.tokenizer.Decoder;
import dev.gale.encoder.tokenizer.Utf8;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Hugging Face's {@code ByteLevel} decoder ({@code pre_tokenizers/byte_level.rs}): every token made
 * only of GPT-2 alphabet characters stands for those bytes, any other token for its own UTF-8
 * bytes; all bytes are joined and read back with {@code String::from_utf8_lossy}, giving one piece.
 */
public final class ByteLevel implements Decoder {

    @Override
    public List<String> decodeChain(List<String> tokens) {
        byte[] bytes = new byte[64];
        int length = 0;
        for (String token : tokens) {
            int n = token.length();
            if (length + 3 * n > bytes.length) { // a UTF-16 char is at most 3 UTF-8 bytes
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + 3 * n));
            }
            if (inAlphabet(token)) {
                for (int i = 0; i < n; i++) {
                    bytes[length++] = (byte) ByteLevelAlphabet.byteOf(token.charAt(i));
                }
            } else {
                byte[] utf8 = token.getBytes(StandardCharsets.UTF_8);
                System.arraycopy(utf8, 0, bytes, length, utf8.length);
                length += utf8.length;
            }
        }
        return List.of(Utf8.lossy(bytes, length));
    }

    private static boolean inAlphabet(String token) {
        for (int i = 0, n = token.length(); i < n; i++) {
            if (ByteLevelAlphabet.byteOf(token.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }
}

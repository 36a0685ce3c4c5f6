package dev.gale.encoder.tokenizer.normalizers;

import dev.gale.encoder.tokenizer.ByteLevelAlphabet;
import dev.gale.encoder.tokenizer.IntList;
import dev.gale.encoder.tokenizer.NormalizedString;
import dev.gale.encoder.tokenizer.Normalizer;

/**
 * Hugging Face's {@code ByteLevel} normalizer ({@code normalizers/byte_level.rs}): each UTF-8 byte of
 * the text becomes the char GPT-2's {@code bytes_char} maps it to; the first byte of a char replaces
 * it (change 0), the others are inserted (change 1), all aligned to that char
 * ({@link ByteLevelAlphabet#toBytes}, as the ByteLevel pre-tokenizer does to each word).
 */
public final class ByteLevel implements Normalizer {

    public static final ByteLevel INSTANCE = new ByteLevel();

    private ByteLevel() {}

    @Override
    public void normalize(NormalizedString text) {
        ByteLevelAlphabet.toBytes(text, new IntList(16));
    }
}

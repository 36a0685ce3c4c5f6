package dev.gale.encoder.tokenizer.normalizers;

import dev.gale.encoder.tokenizer.NormalizedString;
import dev.gale.encoder.tokenizer.Normalizer;

/**
 * Hugging Face's {@code Strip} ({@code normalizers/strip.rs}, {@code NormalizedString::lrstrip}): drops
 * leading and/or trailing White_Space (Rust's {@code char::is_whitespace}); the chars kept keep their
 * alignments. (lrstrip gives the last kept char a change that compares a char index with a byte
 * length; it only ever lands where it changes nothing.)
 */
public record Strip(boolean stripLeft, boolean stripRight) implements Normalizer {

    @Override
    public void normalize(NormalizedString text) {
        text.strip(stripLeft, stripRight);
    }
}

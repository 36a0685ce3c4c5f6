package dev.gale.encoder.tokenizer.decoders;

/** Rust's {@code str::replace}, which the decoders call with patterns read from tokenizer.json. */
final class RustStr {

    private RustStr() {
    }

    /**
     * Every occurrence of {@code from} in {@code s}, left to right and not overlapping, replaced by
     * {@code to}. An empty {@code from} matches at every code point boundary, ends included, as in
     * Rust ({@code "ab".replace("", "-")} is {@code "-a-b-"}); Java's {@code String.replace} would
     * also match between the two halves of a surrogate pair.
     */
    static String replace(String s, String from, String to) {
        if (!from.isEmpty()) {
            return s.replace(from, to);
        }
        StringBuilder out = new StringBuilder(s.length() + (s.length() + 1) * to.length());
        out.append(to);
        for (int i = 0, n = s.length(); i < n; ) {
            int next = i + Character.charCount(s.codePointAt(i));
            out.append(s, i, next).append(to);
            i = next;
        }
        return out.toString();
    }
}

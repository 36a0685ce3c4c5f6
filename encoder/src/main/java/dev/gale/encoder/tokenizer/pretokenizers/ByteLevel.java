package dev.gale.encoder.tokenizer.pretokenizers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.encoder.tokenizer.ByteLevelAlphabet;
import dev.gale.encoder.tokenizer.IntList;
import dev.gale.encoder.tokenizer.PreTokenizedString;
import dev.gale.encoder.tokenizer.PreTokenizer;
import dev.gale.encoder.tokenizer.TokenizerJson;

/**
 * Hugging Face's {@code ByteLevel} pre-tokenizer ({@code pre_tokenizers/byte_level.rs}): optionally
 * puts a space in front of every piece that does not start with one, cuts it with GPT-2's regex
 * (each match a word, see {@link ByteLevelPattern}) and rewrites every word byte by byte into the
 * {@link ByteLevelAlphabet}: each UTF-8 byte of a char becomes one char, all aligned to that char.
 * {@code trim_offsets} belongs to the post-processor and does nothing here.
 */
public final class ByteLevel implements PreTokenizer {

    private final boolean addPrefixSpace;
    private final boolean trimOffsets;
    private final boolean useRegex;

    public ByteLevel(boolean addPrefixSpace, boolean trimOffsets, boolean useRegex) {
        this.addPrefixSpace = addPrefixSpace;
        this.trimOffsets = trimOffsets;
        this.useRegex = useRegex;
    }

    /**
     * byte_level.rs {@code ByteLevel}, for the pre-tokenizer, the decoder and the post-processor:
     * {@code add_prefix_space} and {@code trim_offsets} required, {@code use_regex} defaulting to true.
     */
    public static ByteLevel fromJson(JsonNode node, String path, TokenizerJson json) {
        return new ByteLevel(json.bool(node, path, "add_prefix_space"), json.bool(node, path, "trim_offsets"),
                json.defaultedBool(node, path, "use_regex", true));
    }

    public boolean addPrefixSpace() {
        return addPrefixSpace;
    }

    public boolean trimOffsets() {
        return trimOffsets;
    }

    public boolean useRegex() {
        return useRegex;
    }

    @Override
    public void preTokenize(PreTokenizedString text) {
        IntList scratch = new IntList(64); // (code point, change) pairs of one word's rewrite
        text.split((index, piece, out) -> {
            // per piece, as byte_level.rs checks `!normalized.get().starts_with(' ')`
            if (addPrefixSpace && (piece.isEmpty() || piece.charAt(0) != ' ')) {
                piece.prepend(" ");
            }
            int first = out.size();
            if (useRegex) {
                int n = piece.length();
                for (int i = 0; i < n; ) {
                    int end = ByteLevelPattern.matchEnd(piece, i, n);
                    out.add(piece.slice(i, end));
                    i = end;
                }
            } else {
                out.add(piece);
            }
            for (int w = first; w < out.size(); w++) {
                ByteLevelAlphabet.toBytes(out.get(w), scratch);
            }
        });
    }
}

package dev.gale.encoder.tokenizer.pretokenizers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.encoder.tokenizer.NormalizedString;
import dev.gale.encoder.tokenizer.PreTokenizedString;
import dev.gale.encoder.tokenizer.PreTokenizer;
import dev.gale.encoder.tokenizer.SplitDelimiterBehavior;
import dev.gale.encoder.tokenizer.SplitPattern;
import dev.gale.encoder.tokenizer.TokenizerJson;
import java.util.Locale;

/**
 * Hugging Face's {@code Metaspace} pre-tokenizer ({@code pre_tokenizers/metaspace.rs}): every space
 * of a piece becomes the replacement char (▁ by default), the replacement is put in front of the
 * piece as the prepend scheme says, and with {@code split} the piece is cut before every replacement
 * char (each joins the word after it). The Metaspace decoder is read from the same fields.
 */
public final class Metaspace implements PreTokenizer {

    /** metaspace.rs {@code PrependScheme}: when the replacement goes in front of a piece. */
    public enum PrependScheme {
        /** in front of every piece that does not start with it */
        ALWAYS,
        /** only in front of a piece that starts the input (original offset 0) */
        FIRST,
        /** never */
        NEVER
    }

    private static final SplitPattern SPACE = SplitPattern.ofCodePoints(cp -> cp == ' ');

    private final int replacement; // a code point
    private final String replacementText;
    private final PrependScheme prependScheme;
    private final boolean split;
    private final SplitPattern replacementPattern;

    public Metaspace(int replacement, PrependScheme prependScheme, boolean split) {
        this.replacement = replacement;
        this.replacementText = Character.toString(replacement);
        this.prependScheme = prependScheme;
        this.split = split;
        this.replacementPattern = SplitPattern.ofCodePoints(cp -> cp == replacement);
    }

    /**
     * metaspace.rs {@code MetaspaceHelper}, for the pre-tokenizer and the decoder: {@code replacement}
     * one char; {@code prepend_scheme} "first", "never" or "always" (default "always"); the legacy
     * {@code add_prefix_space: false} means "never" and is refused next to another scheme;
     * {@code split} (default true) and {@code str_rep} may be null.
     */
    public static Metaspace fromJson(JsonNode node, String path, TokenizerJson json) {
        int replacement = json.codePoint(node, path, "replacement");
        PrependScheme scheme = PrependScheme.ALWAYS;
        if (node.has("prepend_scheme")) {
            JsonNode value = node.get("prepend_scheme");
            String name = value.isTextual() ? value.textValue() : "";
            scheme = switch (name) {
                case "first" -> PrependScheme.FIRST;
                case "never" -> PrependScheme.NEVER;
                case "always" -> PrependScheme.ALWAYS;
                default -> throw json.error(TokenizerJson.field(path, "prepend_scheme"), TokenizerJson.describe(value),
                        "\"first\", \"never\" or \"always\"");
            };
        }
        if (TokenizerJson.optional(node, "add_prefix_space") != null && !json.bool(node, path, "add_prefix_space")) {
            if (scheme != PrependScheme.NEVER) {
                throw json.error(TokenizerJson.field(path, "add_prefix_space"),
                        "is false but prepend_scheme is \"" + scheme.name().toLowerCase(Locale.ROOT) + "\"",
                        "add_prefix_space to match prepend_scheme, as Hugging Face requires");
            }
        }
        boolean split = json.bool(node, path, "split", true);
        if (TokenizerJson.optional(node, "str_rep") != null) {
            json.text(node, path, "str_rep");
        }
        return new Metaspace(replacement, scheme, split);
    }

    /** The replacement char, a code point. */
    public int replacement() {
        return replacement;
    }

    public PrependScheme prependScheme() {
        return prependScheme;
    }

    public boolean split() {
        return split;
    }

    @Override
    public void preTokenize(PreTokenizedString text) {
        text.split((index, piece, out) -> {
            if (replacement < Character.MIN_SUPPLEMENTARY_CODE_POINT) {
                // one char for one: what replace does, without rebuilding the arrays
                for (int i = 0; i < piece.length(); i++) {
                    if (piece.charAt(i) == ' ') {
                        piece.setCharAt(i, (char) replacement);
                    }
                }
            } else if (contains(piece, ' ')) {
                piece.replace(SPACE, replacementText);
            }
            boolean startsWithReplacement = !piece.isEmpty() && piece.codePointAt(0) == replacement;
            switch (prependScheme) {
                case ALWAYS -> {
                    if (!startsWithReplacement) {
                        piece.prepend(replacementText);
                    }
                }
                case FIRST -> {
                    if (!startsWithReplacement && piece.originalStart() == 0) {
                        piece.prepend(replacementText);
                    }
                }
                case NEVER -> { }
            }
            if (split) {
                piece.split(replacementPattern, SplitDelimiterBehavior.MERGED_WITH_NEXT, out);
            } else {
                out.add(piece);
            }
        });
    }

    private static boolean contains(NormalizedString s, char c) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == c) {
                return true;
            }
        }
        return false;
    }
}

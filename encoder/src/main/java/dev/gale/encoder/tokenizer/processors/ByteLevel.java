package dev.gale.encoder.tokenizer.processors;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.encoder.tokenizer.Encoding;
import dev.gale.encoder.tokenizer.PostProcessor;
import dev.gale.encoder.tokenizer.TokenizerJson;
import dev.gale.encoder.tokenizer.UnicodeCategories;
import java.util.ArrayList;
import java.util.List;

/**
 * Hugging Face's {@code ByteLevel} post-processor ({@code pre_tokenizers/byte_level.rs}): adds nothing;
 * with {@code trim_offsets}, a token's offsets leave out the spaces it carries ('Ġ' or white space).
 */
public record ByteLevel(boolean trimOffsets, boolean addPrefixSpace) implements PostProcessor {

    /** GPT-2's stand-in for the space byte. */
    private static final char SPACE = '\u0120';

    /** Read as the ByteLevel pre-tokenizer is, the one struct in Hugging Face. */
    static ByteLevel fromJson(JsonNode node, String path, TokenizerJson json) {
        var byteLevel = dev.gale.encoder.tokenizer.pretokenizers.ByteLevel.fromJson(node, path, json);
        return new ByteLevel(byteLevel.trimOffsets(), byteLevel.addPrefixSpace());
    }

    @Override
    public int addedTokens(boolean isPair) {
        return 0;
    }

    @Override
    public List<Encoding> processEncodings(List<Encoding> encodings, boolean addSpecialTokens) {
        List<Encoding> out = new ArrayList<>(encodings.size());
        for (int i = 0; i < encodings.size(); i++) {
            Encoding e = trimOffsets ? trimOffsets(encodings.get(i), addPrefixSpace) : encodings.get(i);
            out.add(e.withSequenceId(i));
        }
        return out;
    }

    /** {@code process_offsets}: the offsets of {@code e} without each token's leading and trailing spaces. */
    static Encoding trimOffsets(Encoding e, boolean addPrefixSpace) {
        int[] offsets = e.offsets().clone();
        String[] tokens = e.tokens();
        for (int i = 0; i < tokens.length; i++) {
            String token = tokens[i];
            if (token == null || token.isEmpty()) {
                continue;
            }
            int leading = 0;
            for (int k = 0; k < token.length(); ) {
                int cp = token.codePointAt(k);
                if (cp != SPACE && !UnicodeCategories.isWhitespace(cp)) {
                    break;
                }
                leading++;
                k += Character.charCount(cp);
            }
            int trailing = 0;
            for (int k = token.length(); k > 0; ) {
                int cp = token.codePointBefore(k);
                if (cp != SPACE && !UnicodeCategories.isWhitespace(cp)) {
                    break;
                }
                trailing++;
                k -= Character.charCount(cp);
            }
            if (leading == 0 && trailing == 0) {
                continue;
            }
            int start = offsets[2 * i];
            int end = offsets[2 * i + 1];
            if (leading > 0) {
                boolean isFirst = i == 0 || start == 0;
                if (isFirst && addPrefixSpace && leading == 1) {
                    leading = 0;
                }
                start = Math.min(start + leading, end);
            }
            if (trailing > 0 && end >= trailing) {
                end = Math.max(end - trailing, start);
            }
            offsets[2 * i] = start;
            offsets[2 * i + 1] = end;
        }
        return e.withOffsets(offsets);
    }
}

package dev.gale.encoder.tokenizer.decoders;

import dev.gale.encoder.tokenizer.Decoder;
import dev.gale.encoder.tokenizer.pretokenizers.Metaspace.PrependScheme;
import java.util.ArrayList;
import java.util.List;

/**
 * Hugging Face's {@code Metaspace} decoder ({@code pre_tokenizers/metaspace.rs}): the replacement
 * character becomes a space, except in the first token, where every occurrence of it (not only
 * the leading one) is dropped unless {@code prepend_scheme} is {@code never}. {@code split} only
 * matters to the pre-tokenizer.
 */
public final class Metaspace implements Decoder {

    private final String replacement; // one code point
    private final PrependScheme prependScheme;

    public Metaspace(int replacement, PrependScheme prependScheme) {
        this.replacement = Character.toString(replacement);
        this.prependScheme = prependScheme;
    }

    @Override
    public List<String> decodeChain(List<String> tokens) {
        List<String> out = new ArrayList<>(tokens.size());
        for (int i = 0; i < tokens.size(); i++) {
            boolean drop = i == 0 && prependScheme != PrependScheme.NEVER;
            out.add(tokens.get(i).replace(replacement, drop ? "" : " "));
        }
        return out;
    }
}

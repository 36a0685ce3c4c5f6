package dev.gale.encoder.tokenizer.decoders;

import dev.gale.encoder.tokenizer.Decoder;
import java.util.ArrayList;
import java.util.List;

/**
 * Hugging Face's {@code BPEDecoder} ({@code decoders/bpe.rs}): every occurrence of the end-of-word
 * {@code suffix} becomes a space, or nothing in the last token.
 */
public final class BPEDecoder implements Decoder {

    private final String suffix;

    public BPEDecoder(String suffix) {
        this.suffix = suffix;
    }

    @Override
    public List<String> decodeChain(List<String> tokens) {
        int last = tokens.size() - 1;
        List<String> out = new ArrayList<>(tokens.size());
        for (int i = 0; i <= last; i++) {
            out.add(RustStr.replace(tokens.get(i), suffix, i == last ? "" : " "));
        }
        return out;
    }
}

package dev.gale.encoder.tokenizer.decoders;

import dev.gale.encoder.tokenizer.Decoder;
import java.util.List;

/** Hugging Face's {@code Fuse} decoder ({@code decoders/fuse.rs}): all tokens joined into one piece. */
public final class Fuse implements Decoder {

    @Override
    public List<String> decodeChain(List<String> tokens) {
        return List.of(String.join("", tokens));
    }
}

package dev.gale.encoder.tokenizer.decoders;

import dev.gale.encoder.tokenizer.Decoder;
import java.util.List;

/** Hugging Face's {@code Sequence} decoder ({@code decoders/sequence.rs}): each decoder's pieces feed the next. */
public final class Sequence implements Decoder {

    private final List<Decoder> decoders;

    public Sequence(List<Decoder> decoders) {
        this.decoders = List.copyOf(decoders);
    }

    @Override
    public List<String> decodeChain(List<String> tokens) {
        for (Decoder decoder : decoders) {
            tokens = decoder.decodeChain(tokens);
        }
        return tokens;
    }
}

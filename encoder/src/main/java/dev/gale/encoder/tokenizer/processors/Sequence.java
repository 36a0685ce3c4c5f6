package dev.gale.encoder.tokenizer.processors;

import dev.gale.encoder.tokenizer.Encoding;
import dev.gale.encoder.tokenizer.PostProcessor;
import java.util.List;

/** Hugging Face's {@code Sequence} of post-processors ({@code processors/sequence.rs}), applied in order. */
public record Sequence(List<PostProcessor> processors) implements PostProcessor {

    public Sequence {
        processors = List.copyOf(processors);
    }

    @Override
    public int addedTokens(boolean isPair) {
        int n = 0;
        for (PostProcessor p : processors) {
            n += p.addedTokens(isPair);
        }
        return n;
    }

    @Override
    public List<Encoding> processEncodings(List<Encoding> encodings, boolean addSpecialTokens) {
        List<Encoding> current = encodings;
        for (PostProcessor p : processors) {
            current = p.processEncodings(current, addSpecialTokens);
        }
        return current;
    }
}

package dev.gale.encoder.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * Hugging Face's {@code PostProcessor} ({@code processors/}): adds the special tokens around one
 * sequence or a pair and sets the type ids, the special-tokens mask and the sequence ids. Immutable
 * and thread-safe; the types tokenizer.json names are in {@code dev.gale.encoder.tokenizer.processors}.
 */
public interface PostProcessor {

    /** How many special tokens {@link #process} adds to one sequence or to a pair. */
    int addedTokens(boolean isPair);

    /**
     * {@code process_encodings}: the step a {@code Sequence} of processors chains. Gets the encodings
     * of the inputs (or what the previous processor made of them) and returns the pieces that, end to
     * end, make the result.
     */
    List<Encoding> processEncodings(List<Encoding> encodings, boolean addSpecialTokens);

    /**
     * {@code process}: the encoding of {@code a} (and {@code b}, or null) with the special tokens added
     * when {@code addSpecialTokens} is set. {@code a} and {@code b} come already truncated, with type
     * ids 0 and 1 and no special tokens.
     */
    default Encoding process(Encoding a, Encoding b, boolean addSpecialTokens) {
        List<Encoding> encodings = new ArrayList<>(2);
        encodings.add(a.withSequenceId(0));
        if (b != null) {
            encodings.add(b.withSequenceId(1));
        }
        return Encoding.concat(processEncodings(encodings, addSpecialTokens));
    }

    /** What Hugging Face does without a post-processor: the sequences end to end, no special tokens. */
    PostProcessor NONE = new PostProcessor() {
        @Override
        public int addedTokens(boolean isPair) {
            return 0;
        }

        @Override
        public List<Encoding> processEncodings(List<Encoding> encodings, boolean addSpecialTokens) {
            return encodings;
        }
    };
}

package dev.gale.encoder.tokenizer.decoders;

import dev.gale.encoder.tokenizer.Decoder;
import java.util.ArrayList;
import java.util.List;

/**
 * Hugging Face's {@code CTC} decoder ({@code decoders/ctc.rs}): consecutive equal tokens collapse
 * into one, {@code pad_token} is removed from each, and with {@code cleanup} the WordPiece cleanup
 * runs and {@code word_delimiter_token} becomes a space (without it the delimiter stays); empty
 * results are dropped.
 */
public final class CTC implements Decoder {

    private final String padToken;
    private final String wordDelimiterToken;
    private final boolean cleanup;

    public CTC(String padToken, String wordDelimiterToken, boolean cleanup) {
        this.padToken = padToken;
        this.wordDelimiterToken = wordDelimiterToken;
        this.cleanup = cleanup;
    }

    @Override
    public List<String> decodeChain(List<String> tokens) {
        List<String> out = new ArrayList<>(tokens.size());
        String previous = null;
        for (String token : tokens) {
            if (token.equals(previous)) {
                continue;
            }
            previous = token;
            String replaced = RustStr.replace(token, padToken, "");
            if (cleanup) {
                replaced = RustStr.replace(WordPiece.cleanup(replaced), wordDelimiterToken, " ");
            }
            if (!replaced.isEmpty()) {
                out.add(replaced);
            }
        }
        return out;
    }
}

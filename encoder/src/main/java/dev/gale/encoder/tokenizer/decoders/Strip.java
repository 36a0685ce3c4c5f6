package dev.gale.encoder.tokenizer.decoders;

import dev.gale.encoder.tokenizer.Decoder;
import java.util.ArrayList;
import java.util.List;

/**
 * Hugging Face's {@code Strip} decoder ({@code decoders/strip.rs}): removes up to {@code start}
 * leading and up to {@code stop} trailing occurrences of {@code content} (one code point) from
 * every token. Where the Rust code panics (its index underflows, or the cuts cross), this throws.
 */
public final class Strip implements Decoder {

    private final int content; // a code point
    private final int start;
    private final int stop;

    public Strip(int content, int start, int stop) {
        this.content = content;
        this.start = start;
        this.stop = stop;
    }

    @Override
    public List<String> decodeChain(List<String> tokens) {
        List<String> out = new ArrayList<>(tokens.size());
        for (String token : tokens) {
            out.add(strip(token));
        }
        return out;
    }

    private String strip(String token) {
        int startCut = 0; // char offsets
        for (int k = 0; k < start && startCut < token.length(); k++) {
            int cp = token.codePointAt(startCut);
            if (cp != content) {
                break;
            }
            startCut += Character.charCount(cp);
        }
        int stopCut = token.length();
        for (int k = 0; k < stop; k++) {
            if (stopCut == 0) {
                // strip.rs computes chars.len() - k - 1 in usize: this underflows
                throw failure(token, "has only " + k + " characters, all stripped from the end");
            }
            int cp = token.codePointBefore(stopCut);
            if (cp != content) {
                break;
            }
            stopCut -= Character.charCount(cp);
        }
        if (startCut > stopCut) {
            // strip.rs slices chars[start_cut..stop_cut] with start_cut > stop_cut
            throw failure(token, "would be stripped from both ends past each other");
        }
        return token.substring(startCut, stopCut);
    }

    private IllegalArgumentException failure(String token, String problem) {
        return new IllegalArgumentException("Strip decoder (content '" + Character.toString(content)
                + "', start " + start + ", stop " + stop + "): token '" + token + "' " + problem
                + "; Hugging Face tokenizers panics on it too");
    }
}

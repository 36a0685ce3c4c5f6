package dev.gale.encoder.tokenizer.pretokenizers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gale.encoder.tokenizer.NormalizedString;
import dev.gale.encoder.tokenizer.PreTokenizedString;
import dev.gale.encoder.tokenizer.PreTokenizer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * What the pre-tokenizer tests share: the pieces of a text as Python's {@code pre_tokenize_str}
 * reports them (the piece, and its original offsets in code points), and the test resources.
 */
final class PreTokenizerTesting {

    static final ObjectMapper JSON = new ObjectMapper();

    private PreTokenizerTesting() {}

    /** One piece: its text and original [start, end) in code points. */
    record Piece(String text, int start, int end) {
        @Override
        public String toString() {
            return "(\"" + text + "\", " + start + ", " + end + ")";
        }
    }

    static Piece p(String text, int start, int end) {
        return new Piece(text, start, end);
    }

    /** {@code pre_tokenize_str(text)}: each piece's original offsets are those of its stretch of the input. */
    static List<Piece> pieces(PreTokenizer preTokenizer, String text) {
        PreTokenizedString pre = new PreTokenizedString(text);
        preTokenizer.preTokenize(pre);
        List<Piece> out = new ArrayList<>(pre.size());
        for (int i = 0; i < pre.size(); i++) {
            NormalizedString piece = pre.piece(i);
            out.add(new Piece(piece.toString(), text.codePointCount(0, piece.originalStart()),
                    text.codePointCount(0, piece.originalEnd())));
        }
        return out;
    }

    static void assertPieces(PreTokenizer preTokenizer, String text, Piece... expected) {
        assertEquals(List.of(expected), pieces(preTokenizer, text), "pieces of \"" + text + "\"");
    }

    /** The lines of a test resource, gunzipped when its name ends in .gz. */
    static List<String> lines(String resource) {
        try (InputStream raw = PreTokenizerTesting.class.getResourceAsStream(resource)) {
            if (raw == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            InputStream in = resource.endsWith(".gz") ? new GZIPInputStream(raw) : raw;
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            return reader.lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode json(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The "text" of every line of a corpus file (/corpus/texts.jsonl, /corpus/adversarial.jsonl). */
    static List<String> corpus(String resource) {
        List<String> texts = new ArrayList<>();
        for (String line : lines(resource)) {
            texts.add(json(line).get("text").textValue());
        }
        return texts;
    }
}

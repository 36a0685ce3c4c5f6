package dev.gale.encoder.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every tokenizer the reference scripts trained ({@code reference/tokenizers_fixtures.py}, one folder per
 * family pipeline under {@code reference/tokenizers/}) against what Python {@code tokenizers} gave for the
 * same inputs: ids, type ids, special-tokens masks, offsets, word ids, sequence ids, token strings and
 * decoded text, single texts and pairs, untruncated and truncated with each strategy and direction.
 *
 * <p>Python reports offsets in code points; they are turned into UTF-16 indices here (the only conversion).
 */
class ReferenceTokenizerParityTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int SHOWN_FAILURES = 12;
    /** The committed fixtures, or a folder reference/crosscheck wrote ({@code GALE_REFERENCE_TOKENIZERS}). */
    static final Path ROOT = System.getenv("GALE_REFERENCE_TOKENIZERS") != null
            ? Path.of(System.getenv("GALE_REFERENCE_TOKENIZERS")) : resourceDir("/reference/tokenizers");
    private static final boolean COMMITTED = System.getenv("GALE_REFERENCE_TOKENIZERS") == null;
    static final Path REAL = resourceDir("/reference/real-tokenizers");

    /** The texts the fixtures index into: the corpus, then the adversarial set. */
    static final List<String> TEXTS = texts();

    static Stream<String> pipelines() throws IOException {
        try (Stream<Path> dirs = Files.list(ROOT)) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve("expected.jsonl.gz")))
                    .map(d -> d.getFileName().toString()).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("pipelines")
    void encodingsAndDecodingsMatchPythonTokenizers(String name) throws IOException {
        Path dir = ROOT.resolve(name);
        check(name, Tokenizer.load(dir), dir.resolve("expected.jsonl.gz"));
    }

    /** The two built-in models' tokenizer.json files, read from their jars (never committed here). */
    @ParameterizedTest
    @ValueSource(strings = {"all-minilm-l6-v2", "bge-small-en-v1.5"})
    void realTokenizersMatchPythonTokenizers(String name) throws Exception {
        Path dir = REAL.resolve(name);
        JsonNode source = MAPPER.readTree(dir.resolve("source.json").toFile());
        String entry = source.get("entry").asText();
        byte[] json;
        try (var in = ReferenceTokenizerParityTest.class.getResourceAsStream("/" + entry)) {
            assertTrue(in != null, entry + " is not on the test class path (its jar is a test dependency)");
            json = in.readAllBytes();
        }
        String sha256 = java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(json));
        assertEquals(source.get("sha256").asText(), sha256, entry + " is not the file the fixture was made from");
        check(name, Tokenizer.fromJson(new java.io.ByteArrayInputStream(json), entry), dir.resolve("expected.jsonl.gz"));
    }

    private static void check(String name, Tokenizer tokenizer, Path expectedFile) throws IOException {
        List<String> failures = new ArrayList<>();
        int cases = 0;
        int errors = 0;
        int refused = 0;
        int decodes = 0;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(expectedFile)), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                JsonNode expected = MAPPER.readTree(line);
                cases++;
                String a = text(expected.get("a"));
                String b = expected.hasNonNull("b") ? text(expected.get("b")) : null;
                EncodeOptions options = options(expected);
                String label = describe(expected, a, b);
                Encoding ours;
                try {
                    ours = tokenizer.encode(a, b, options);
                } catch (IllegalArgumentException e) {
                    if (expected.hasNonNull("error")) {
                        errors++;
                        continue;
                    }
                    if (underflows(tokenizer, expected, a, b, options)) {
                        refused++;
                        continue;
                    }
                    failures.add(label + ": Gale threw '" + e.getMessage() + "', Python gave ids "
                            + expected.get("ids"));
                    continue;
                }
                if (expected.hasNonNull("error")) {
                    failures.add(label + ": Python raised '" + expected.get("error").asText()
                            + "', Gale gave ids " + Arrays.toString(ours.ids()));
                    continue;
                }
                compare(label, expected, ours, a, b, failures);
                if (expected.has("decoded")) {
                    decodes++;
                    String decoded = tokenizer.decode(ours.ids(), false);
                    if (!decoded.equals(expected.get("decoded").asText())) {
                        failures.add(label + ": decode gave " + quote(decoded) + ", Python "
                                + quote(expected.get("decoded").asText()));
                    }
                    String skipped = tokenizer.decode(ours.ids(), true);
                    if (!skipped.equals(expected.get("decoded_skip").asText())) {
                        failures.add(label + ": decode(skip special) gave " + quote(skipped) + ", Python "
                                + quote(expected.get("decoded_skip").asText()));
                    }
                }
            }
        }
        if (!failures.isEmpty()) {
            fail(name + ": " + failures.size() + " of " + cases + " cases differ from Python tokenizers:\n  "
                    + String.join("\n  ", failures.subList(0, Math.min(SHOWN_FAILURES, failures.size()))));
        }
        assertTrue(cases >= (COMMITTED ? 500 : 1), name + " has only " + cases + " cases");
        assertTrue(decodes >= (COMMITTED ? 100 : 1), name + " has only " + decodes + " decode cases");
        assertTrue(errors <= cases / 10, name + ": " + errors + " cases are errors");
        assertTrue(refused <= cases / 5, name + ": Gale refused " + refused + " cases");
    }

    private static void compare(String label, JsonNode expected, Encoding ours, String a, String b,
                                List<String> failures) {
        int[] ids = ints(expected.get("ids"));
        if (!Arrays.equals(ids, ours.ids())) {
            failures.add(label + ": ids " + firstDifference(ids, ours.ids()) + "\n    tokens Python "
                    + expected.path("tokens") + "\n    tokens Gale   " + Arrays.toString(ours.tokens()));
            return;
        }
        check(label, "type_ids", ints(expected.get("type_ids")), ours.typeIds(), failures);
        check(label, "special_tokens_mask", ints(expected.get("special_tokens_mask")), ours.specialTokensMask(),
                failures);
        check(label, "word_ids", ints(expected.get("word_ids")), ours.wordIds(), failures);
        check(label, "sequence_ids", ints(expected.get("sequence_ids")), ours.sequenceIds(), failures);
        check(label, "offsets", utf16Offsets(ints(expected.get("offsets")), ints(expected.get("sequence_ids")), a, b),
                ours.offsets(), failures);
        JsonNode tokens = expected.get("tokens");
        if (tokens == null) {
            return; // the real tokenizers' fixtures leave the strings out to stay small
        }
        for (int i = 0; i < tokens.size(); i++) {
            if (!tokens.get(i).asText().equals(ours.tokens()[i])) {
                failures.add(label + ": token " + i + " is " + quote(ours.tokens()[i]) + ", Python "
                        + quote(tokens.get(i).asText()));
                return;
            }
        }
    }

    private static void check(String label, String field, int[] expected, int[] actual, List<String> failures) {
        if (!Arrays.equals(expected, actual)) {
            failures.add(label + ": " + field + " " + firstDifference(expected, actual));
        }
    }

    /**
     * Python's code-point offsets as UTF-16 indices into the token's own text (the second text for
     * tokens of sequence 1); special tokens' (0, 0) stay.
     */
    static int[] utf16Offsets(int[] codePoints, int[] sequenceIds, String a, String b) {
        int[] out = new int[codePoints.length];
        for (int t = 0; t < codePoints.length / 2; t++) {
            String text = sequenceIds[t] == 1 ? b : a;
            out[2 * t] = toUtf16(text, codePoints[2 * t]);
            out[2 * t + 1] = toUtf16(text, codePoints[2 * t + 1]);
        }
        return out;
    }

    private static int toUtf16(String text, int codePoint) {
        int count = text.codePointCount(0, text.length());
        return codePoint >= count ? text.length() + (codePoint - count) : text.offsetByCodePoints(0, codePoint);
    }

    // max_length below the special tokens: Python subtracts them in an unsigned integer that wraps and
    // stops truncating (keeping only the words tokenize_with_limit got to); Gale says the max length is
    // too small instead.
    private static boolean underflows(Tokenizer tokenizer, JsonNode expected, String a, String b,
                                      EncodeOptions options) {
        return options.addSpecialTokens() && options.maxLength() > 0
                && options.maxLength() < tokenizer.addedTokens(b != null);
    }

    private static EncodeOptions options(JsonNode expected) {
        EncodeOptions.Builder options = EncodeOptions.builder()
                .addSpecialTokens(expected.path("special").asBoolean(true));
        if (expected.hasNonNull("max_length")) {
            options.maxLength(expected.get("max_length").asInt())
                    .strategy(Truncation.Strategy.fromName(expected.get("strategy").asText()))
                    .direction(Truncation.Direction.fromName(expected.get("direction").asText()));
        }
        return options.build();
    }

    private static String text(JsonNode node) {
        return node.isInt() ? TEXTS.get(node.asInt()) : node.asText();
    }

    private static String describe(JsonNode expected, String a, String b) {
        String which = expected.get("a").isInt() ? "text " + expected.get("a").asInt() : quote(abbreviate(a));
        if (b != null) {
            which += " + " + (expected.get("b").isInt() ? "text " + expected.get("b").asInt() : quote(abbreviate(b)));
        }
        String how = expected.hasNonNull("max_length")
                ? "max " + expected.get("max_length").asInt() + " " + expected.get("strategy").asText() + " "
                        + expected.get("direction").asText()
                : "untruncated";
        return "[" + which + ", " + how + (expected.path("special").asBoolean(true) ? "" : ", no specials") + "]";
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }

    static String quote(String s) {
        return s == null ? "null" : "\"" + s.replace("\n", "\\n").replace("\t", "\\t") + "\"";
    }

    private static String firstDifference(int[] expected, int[] actual) {
        int i = 0;
        while (i < expected.length && i < actual.length && expected[i] == actual[i]) {
            i++;
        }
        return "differ at " + i + " (Python has " + expected.length + ", Gale " + actual.length + "): Python "
                + window(expected, i) + ", Gale " + window(actual, i);
    }

    private static String window(int[] values, int at) {
        int from = Math.max(0, at - 2);
        int to = Math.min(values.length, at + 4);
        return Arrays.toString(Arrays.copyOfRange(values, from, to));
    }

    static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }

    private static List<String> texts() {
        List<String> texts = new ArrayList<>(TokenizerParityTest.CORPUS);
        texts.addAll(TokenizerParityTest.ADVERSARIAL);
        return List.copyOf(texts);
    }

    private static Path resourceDir(String name) {
        try {
            var url = ReferenceTokenizerParityTest.class.getResource(name);
            if (url == null) {
                throw new IllegalStateException(name + " is not on the test class path: run reference/regenerate");
            }
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}

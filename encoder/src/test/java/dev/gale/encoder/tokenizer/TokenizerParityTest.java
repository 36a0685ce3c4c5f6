package dev.gale.encoder.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Compares every text of the corpus with the Rust Hugging Face tokenizer (through DJL's
 * binding, tokenizers 0.21.4), untruncated and truncated single texts and untruncated pairs, for
 * two real BERT tokenizer.json files and variations of one.
 */
class TokenizerParityTest {

    private static final String MINILM = "/all-minilm-l6-v2-tokenizer.json";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int[] MAX_LENGTHS = {16, 128, 256, 512};
    private static final int PAIRS = 400;
    private static final int SHOWN_FAILURES = 15;

    static final List<String> CORPUS = readCorpus("/corpus/texts.jsonl");
    static final List<String> ADVERSARIAL = readCorpus("/corpus/adversarial.jsonl");

    @ParameterizedTest
    @ValueSource(strings = {"/all-minilm-l6-v2-tokenizer.json", "/bge-small-en-v1.5-tokenizer.json"})
    void singleTextsMatchHuggingFace(String resource) throws IOException {
        Tokenizer ours = load(resource);
        List<String> texts = new ArrayList<>(CORPUS);
        texts.addAll(ADVERSARIAL);
        Failures failures = new Failures(ours);
        int longTexts = 0;
        try (HuggingFaceTokenizer hf = oracle(resource, 0)) {
            for (String text : texts) {
                ai.djl.huggingface.tokenizers.Encoding expected = hf.encode(text);
                if (expected.getIds().length > 512) {
                    longTexts++;
                }
                failures.compare("untruncated", text, null, expected, ours.encode(text, 0));
            }
        }
        for (int maxLength : MAX_LENGTHS) {
            try (HuggingFaceTokenizer hf = oracle(resource, maxLength)) {
                for (String text : texts) {
                    failures.compare("max " + maxLength, text, null, hf.encode(text),
                            ours.encode(text, maxLength));
                }
            }
        }
        failures.assertNone(texts.size() * (1 + MAX_LENGTHS.length));
        assertTrue(CORPUS.size() >= 1200, "corpus has " + CORPUS.size() + " texts");
        assertTrue(ADVERSARIAL.size() >= 60, "adversarial has " + ADVERSARIAL.size() + " texts");
        assertTrue(longTexts >= 40, "only " + longTexts + " texts exceed 512 tokens");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/all-minilm-l6-v2-tokenizer.json", "/bge-small-en-v1.5-tokenizer.json"})
    void pairsMatchHuggingFace(String resource) throws IOException {
        Tokenizer ours = load(resource);
        List<String[]> pairs = new ArrayList<>();
        for (int i = 0; i + 1 < CORPUS.size() && pairs.size() < PAIRS; i += 2) {
            pairs.add(new String[] {CORPUS.get(i), CORPUS.get(i + 1)});
        }
        for (int i = 0; i + 1 < ADVERSARIAL.size(); i++) {
            pairs.add(new String[] {ADVERSARIAL.get(i), ADVERSARIAL.get(i + 1)});
        }
        Failures failures = new Failures(ours);
        // Only untruncated pairs: DJL 0.34 bundles Rust tokenizers 0.21.4, which truncates pairs by their
        // whole lengths; 0.22 on tokenizes each text only up to max_length first (tokenize_with_limit), and
        // Gale follows Python tokenizers 0.23.2. Truncated pairs of both real tokenizers are checked against
        // that in ReferenceTokenizerParityTest.
        int[] maxLengths = {0};
        for (int maxLength : maxLengths) {
            try (HuggingFaceTokenizer hf = oracle(resource, maxLength)) {
                for (String[] pair : pairs) {
                    failures.compare(maxLength == 0 ? "pair untruncated" : "pair max " + maxLength,
                            pair[0], pair[1], hf.encode(pair[0], pair[1]),
                            ours.encodePair(pair[0], pair[1], maxLength));
                }
            }
        }
        failures.assertNone(pairs.size() * maxLengths.length);
    }

    /**
     * Variations of the MiniLM tokenizer.json on the options the two real files leave at one
     * value: each is run through both implementations on the adversarial texts and part of the
     * corpus, single and pair, untruncated and truncated.
     */
    @ParameterizedTest
    @ValueSource(strings = {"cased", "accents kept", "no cleaning", "no normalizer",
            "added tokens", "bert processing", "no post-processor", "short words"})
    void variantsMatchHuggingFace(String variant) throws IOException {
        ObjectNode root;
        try (InputStream in = TokenizerParityTest.class.getResourceAsStream(MINILM)) {
            root = (ObjectNode) MAPPER.readTree(in);
        }
        ObjectNode normalizer = (ObjectNode) root.get("normalizer");
        switch (variant) {
            case "cased" -> normalizer.put("lowercase", false);
            case "accents kept" -> normalizer.put("strip_accents", false);
            case "no cleaning" -> normalizer.put("clean_text", false)
                    .put("handle_chinese_chars", false);
            case "no normalizer" -> root.putNull("normalizer");
            case "added tokens" -> {
                ArrayNode added = (ArrayNode) root.get("added_tokens");
                added.add(addedToken("<special>", false, true, true, false, true));
                added.add(addedToken("Hello", true, false, false, true, false));
                added.add(addedToken("wörld", false, false, false, false, false));
                added.add(addedToken("[sep]", false, false, true, true, false));
                added.add(addedToken("world", false, true, false, true, false));
            }
            case "bert processing" -> root.putObject("post_processor")
                    .put("type", "BertProcessing")
                    .<ObjectNode>set("sep", MAPPER.createArrayNode().add("[SEP]").add(102))
                    .set("cls", MAPPER.createArrayNode().add("[CLS]").add(101));
            case "no post-processor" -> root.putNull("post_processor");
            case "short words" -> ((ObjectNode) root.get("model"))
                    .put("max_input_chars_per_word", 8);
            default -> throw new IllegalArgumentException(variant);
        }
        byte[] json = MAPPER.writeValueAsBytes(root);
        Tokenizer ours = Tokenizer.fromJson(new ByteArrayInputStream(json), variant);
        List<String> texts = new ArrayList<>(ADVERSARIAL);
        texts.addAll(CORPUS.subList(0, 300));
        Failures failures = new Failures(ours);
        int compared = 0;
        for (int maxLength : new int[] {0, 16}) {
            Map<String, String> options = new HashMap<>();
            options.put("addSpecialTokens", "true");
            options.put("padding", "false");
            options.put("truncation", maxLength > 0 ? "true" : "false");
            if (maxLength > 0) {
                options.put("maxLength", Integer.toString(maxLength));
            }
            try (HuggingFaceTokenizer hf = HuggingFaceTokenizer.newInstance(
                    new ByteArrayInputStream(json), options)) {
                for (int i = 0; i < texts.size(); i++) {
                    String text = texts.get(i);
                    failures.compare(variant + " max " + maxLength, text, null, hf.encode(text),
                            ours.encode(text, maxLength));
                    compared++;
                    if (maxLength > 0) {
                        continue; // truncated pairs: see pairsMatchHuggingFace
                    }
                    String next = texts.get((i + 1) % texts.size());
                    failures.compare(variant + " pair", text, next, hf.encode(text, next),
                            ours.encodePair(text, next, 0));
                    compared++;
                }
            }
        }
        failures.assertNone(compared);
    }

    private static ObjectNode addedToken(String content, boolean singleWord, boolean lstrip,
                                         boolean rstrip, boolean normalized, boolean special) {
        return MAPPER.createObjectNode().put("id", 0).put("content", content)
                .put("single_word", singleWord).put("lstrip", lstrip).put("rstrip", rstrip)
                .put("normalized", normalized).put("special", special);
    }

    /** The Rust tokenizer, never padding, truncating (LongestFirst) only when maxLength > 0. */
    static HuggingFaceTokenizer oracle(String resource, int maxLength) throws IOException {
        Map<String, String> options = new HashMap<>();
        options.put("addSpecialTokens", "true");
        options.put("padding", "false");
        if (maxLength > 0) {
            options.put("truncation", "true");
            options.put("maxLength", Integer.toString(maxLength));
        } else {
            options.put("truncation", "false");
        }
        try (InputStream in = TokenizerParityTest.class.getResourceAsStream(resource)) {
            return HuggingFaceTokenizer.newInstance(in, options);
        }
    }

    static Tokenizer load(String resource) throws IOException {
        try (InputStream in = TokenizerParityTest.class.getResourceAsStream(resource)) {
            return Tokenizer.fromJson(in, resource);
        }
    }

    static List<String> readCorpus(String resource) {
        List<String> texts = new ArrayList<>();
        try (InputStream in = TokenizerParityTest.class.getResourceAsStream(resource);
             BufferedReader reader = new BufferedReader(
                     new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (!line.isBlank()) {
                    texts.add(MAPPER.readTree(line).get("text").textValue());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return texts;
    }

    /** Collects mismatches so that one run shows all of them, not just the first. */
    private static final class Failures {
        private final Tokenizer ours;
        private final List<String> shown = new ArrayList<>();
        private int count;

        Failures(Tokenizer ours) {
            this.ours = ours;
        }

        void compare(String what, String a, String b, ai.djl.huggingface.tokenizers.Encoding hf,
                     Encoding actual) {
            int[] ids = toInts(hf.getIds());
            int[] typeIds = toInts(hf.getTypeIds());
            if (Arrays.equals(ids, actual.ids()) && Arrays.equals(typeIds, actual.typeIds())) {
                return;
            }
            count++;
            if (shown.size() < SHOWN_FAILURES) {
                shown.add(what + ": " + escape(a) + (b == null ? "" : " | " + escape(b))
                        + "\n    hf:   " + tokens(ids) + " types " + Arrays.toString(typeIds)
                        + "\n    gale: " + tokens(actual.ids()) + " types "
                        + Arrays.toString(actual.typeIds()));
            }
        }

        void assertNone(int compared) {
            assertEquals(0, count, count + " of " + compared + " encodings differ:\n"
                    + String.join("\n", shown));
        }

        private String tokens(int[] ids) {
            StringBuilder sb = new StringBuilder("[");
            for (int id : ids) {
                sb.append(sb.length() > 1 ? " " : "").append(ours.idToToken(id)).append('/')
                        .append(id);
            }
            return sb.append(']').toString();
        }
    }

    static int[] toInts(long[] values) {
        int[] ints = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            ints[i] = Math.toIntExact(values[i]);
        }
        return ints;
    }

    static String escape(String s) {
        StringBuilder sb = new StringBuilder();
        String shown = s.length() > 200 ? s.substring(0, 200) + "..." : s;
        shown.codePoints().forEach(cp -> {
            int type = Character.getType(cp);
            if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0) || type == Character.FORMAT
                    || type == Character.SURROGATE) {
                sb.append(String.format("\\u%04X", cp));
            } else {
                sb.appendCodePoint(cp);
            }
        });
        return sb.toString();
    }
}

package dev.gale.encoder.tokenizer;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;

/**
 * A BERT tokenizer read from a Hugging Face tokenizer.json, giving the same ids and type ids as
 * the Rust {@code tokenizers} library. The pipeline is Hugging Face's:
 *
 * <pre>
 *   text ─ AddedVocabulary: cut around added tokens matched on the raw text ─ their ids
 *     └─ each stretch between them ─ BertNormalizer
 *          ─ AddedVocabulary: cut around added tokens matched on the normalized text ─ their ids
 *          └─ each stretch between them ─ BertPreTokenizer ─ WordPiece ─ ids
 *   ids ─ Truncation ─ TemplateProcessing (special tokens, type ids) ─ Encoding
 * </pre>
 *
 * <p>Instances are immutable and safe to share between threads. The file's {@code padding} is
 * ignored (Gale never pads) and its {@code truncation} is only reported: the maximum length is
 * an argument of each call.
 */
public final class Tokenizer {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final AddedVocabulary addedVocabulary;
    private final BertNormalizer normalizer; // null: the text is used as it is
    private final BertPreTokenizer preTokenizer; // null: each piece is one word
    private final WordPiece model;
    private final TemplateProcessing postProcessor;
    private final OptionalInt truncationMaxLength;
    private final int vocabSize;

    private Tokenizer(AddedVocabulary addedVocabulary, BertNormalizer normalizer,
                      BertPreTokenizer preTokenizer, WordPiece model,
                      TemplateProcessing postProcessor, OptionalInt truncationMaxLength) {
        this.addedVocabulary = addedVocabulary;
        this.normalizer = normalizer;
        this.preTokenizer = preTokenizer;
        this.model = model;
        this.postProcessor = postProcessor;
        this.truncationMaxLength = truncationMaxLength;
        int extra = 0;
        for (AddedToken token : addedVocabulary.tokens()) {
            if (model.tokenToId(token.content()).isEmpty()) {
                extra++;
            }
        }
        this.vocabSize = model.vocabSize() + extra;
    }

    /** Reads a tokenizer.json file; errors name it by {@code path}. */
    public static Tokenizer fromJson(Path path) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            return fromJson(in, path.toString());
        }
    }

    /**
     * Reads a tokenizer.json.
     *
     * @param sourceName names the file in error messages
     * @throws IllegalArgumentException when the file is not valid JSON or asks for a component
     *     or option this class does not implement
     */
    public static Tokenizer fromJson(InputStream in, String sourceName) throws IOException {
        TokenizerJson json = new TokenizerJson(sourceName);
        JsonNode root;
        try {
            root = MAPPER.readTree(in);
        } catch (JacksonException e) {
            throw new IllegalArgumentException(sourceName + ": not valid JSON ("
                    + e.getOriginalMessage() + ")", e);
        }
        if (root == null || !root.isObject()) {
            throw json.error("(root)", TokenizerJson.describe(root), "a JSON object");
        }

        JsonNode modelNode = json.object(root, "", "model");
        String modelType = TokenizerJson.type(modelNode);
        // Older files have no model.type; Hugging Face then recognises WordPiece by its fields.
        boolean wordPiece = modelType == null
                ? modelNode.has("continuing_subword_prefix")
                        && modelNode.has("max_input_chars_per_word")
                : modelType.equals("WordPiece");
        if (!wordPiece) {
            throw json.error("model.type", modelType == null ? "is missing"
                    : "'" + modelType + "' is not supported", "WordPiece");
        }
        WordPiece model = WordPiece.fromJson(modelNode, "model", json);

        BertNormalizer normalizer = null;
        JsonNode normalizerNode = TokenizerJson.optional(root, "normalizer");
        if (normalizerNode != null) {
            requireType(normalizerNode, "normalizer", "BertNormalizer", json);
            normalizer = BertNormalizer.fromJson(normalizerNode, "normalizer", json);
        }

        BertPreTokenizer preTokenizer = null;
        JsonNode preTokenizerNode = TokenizerJson.optional(root, "pre_tokenizer");
        if (preTokenizerNode != null) {
            requireType(preTokenizerNode, "pre_tokenizer", "BertPreTokenizer", json);
            preTokenizer = new BertPreTokenizer();
        }

        TemplateProcessing postProcessor = TemplateProcessing.none();
        JsonNode postNode = TokenizerJson.optional(root, "post_processor");
        if (postNode != null) {
            String type = TokenizerJson.type(postNode);
            postProcessor = switch (type == null ? "" : type) {
                case "TemplateProcessing" ->
                        TemplateProcessing.fromJson(postNode, "post_processor", json);
                case "BertProcessing" ->
                        BertProcessing.fromJson(postNode, "post_processor", json).toTemplate();
                default -> throw json.error("post_processor.type", type == null ? "is missing"
                        : "'" + type + "' is not supported", "TemplateProcessing or BertProcessing");
            };
        }

        JsonNode addedNode = TokenizerJson.optional(root, "added_tokens");
        AddedVocabulary addedVocabulary = addedNode == null
                ? new AddedVocabulary(List.of(), normalizer)
                : AddedVocabulary.fromJson(json.array(root, "", "added_tokens"), "added_tokens",
                        json, model, normalizer);

        OptionalInt maxLength = OptionalInt.empty();
        JsonNode truncationNode = TokenizerJson.optional(root, "truncation");
        if (truncationNode != null) {
            maxLength = OptionalInt.of(json.nonNegativeInt(truncationNode, "truncation",
                    "max_length"));
        }
        return new Tokenizer(addedVocabulary, normalizer, preTokenizer, model, postProcessor,
                maxLength);
    }

    private static void requireType(JsonNode node, String path, String expected,
                                    TokenizerJson json) {
        String type = TokenizerJson.type(node);
        if (!expected.equals(type)) {
            throw json.error(path + ".type", type == null ? "is missing"
                    : "'" + type + "' is not supported", expected);
        }
    }

    /**
     * Encodes one text with the post-processor's special tokens.
     *
     * @param maxLength the most tokens to return, special tokens included (Hugging Face's
     *     truncation, direction Right, stride 0); zero or less for no limit
     * @throws IllegalArgumentException when maxLength is positive but leaves no room for the
     *     special tokens themselves
     */
    public Encoding encode(String text, int maxLength) {
        IntList a = encodeSequence(text);
        int keep = a.size();
        if (maxLength > 0) {
            keep = Math.min(keep, budget(maxLength, false));
        }
        return postProcessor.apply(a, keep, null, 0, keep < a.size());
    }

    /**
     * Encodes a text pair with the pair template; when too long, both sequences are cut with
     * Hugging Face's LongestFirst strategy.
     *
     * @param maxLength as for {@link #encode}
     */
    public Encoding encodePair(String a, String b, int maxLength) {
        IntList first = encodeSequence(a);
        IntList second = encodeSequence(b);
        int keepA = first.size();
        int keepB = second.size();
        if (maxLength > 0) {
            int[] keep = Truncation.longestFirst(keepA, keepB, budget(maxLength, true));
            keepA = keep[0];
            keepB = keep[1];
        }
        boolean truncated = keepA < first.size() || keepB < second.size();
        return postProcessor.apply(first, keepA, second, keepB, truncated);
    }

    private int budget(int maxLength, boolean isPair) {
        int added = postProcessor.addedTokens(isPair);
        if (maxLength < added) {
            // Hugging Face underflows here (usize) and silently stops truncating.
            throw new IllegalArgumentException("maxLength " + maxLength + " is less than the "
                    + added + " special tokens the " + (isPair ? "pair" : "single")
                    + " template adds");
        }
        return maxLength - added;
    }

    /** The ids of one sequence, before truncation and special tokens. */
    private IntList encodeSequence(String text) {
        IntList ids = new IntList(text.length() / 3 + 4);
        Scratch scratch = new Scratch(text.length());
        if (addedVocabulary.splitsRaw()) {
            IntList pieces = new IntList(12);
            addedVocabulary.splitRaw(text, 0, text.length(), pieces);
            for (int p = 0; p < pieces.size(); p += 3) {
                int id = pieces.get(p + 2);
                if (id == AddedVocabulary.TEXT) {
                    encodePiece(text, pieces.get(p), pieces.get(p + 1), scratch, ids);
                } else {
                    ids.add(id);
                }
            }
        } else {
            encodePiece(text, 0, text.length(), scratch, ids);
        }
        return ids;
    }

    // One stretch of raw text between added tokens: normalize, split out the normalized added
    // tokens, then pre-tokenize and run the model.
    private void encodePiece(String text, int from, int to, Scratch scratch, IntList ids) {
        CharSequence normalized = text;
        int start = from;
        int end = to;
        if (normalizer != null) {
            scratch.normalized.setLength(0);
            normalizer.normalize(text, from, to, scratch.normalized);
            normalized = scratch.normalized;
            start = 0;
            end = scratch.normalized.length();
        }
        if (!addedVocabulary.splitsNormalized()) {
            encodeWords(normalized, start, end, scratch, ids);
            return;
        }
        IntList pieces = new IntList(12);
        addedVocabulary.splitNormalized(normalized, start, end, pieces);
        for (int p = 0; p < pieces.size(); p += 3) {
            int id = pieces.get(p + 2);
            if (id == AddedVocabulary.TEXT) {
                encodeWords(normalized, pieces.get(p), pieces.get(p + 1), scratch, ids);
            } else {
                ids.add(id);
            }
        }
    }

    private void encodeWords(CharSequence text, int from, int to, Scratch scratch,
                             IntList ids) {
        if (preTokenizer == null) {
            model.tokenize(text, from, to, ids);
            return;
        }
        IntList words = scratch.words;
        words.truncate(0);
        preTokenizer.preTokenize(text, from, to, words);
        for (int w = 0; w < words.size(); w += 2) {
            model.tokenize(text, words.get(w), words.get(w + 1), ids);
        }
    }

    /** Buffers of one encode call. */
    private static final class Scratch {
        final StringBuilder normalized;
        final IntList words;

        Scratch(int textLength) {
            normalized = new StringBuilder(textLength + 16);
            words = new IntList(textLength / 2 + 8);
        }
    }

    /** The vocabulary size, added tokens included. */
    public int vocabSize() {
        return vocabSize;
    }

    /** The token with this id, or {@code null} when there is none. */
    public String idToToken(int id) {
        for (AddedToken token : addedVocabulary.tokens()) {
            if (token.id() == id) {
                return token.content();
            }
        }
        return model.idToToken(id);
    }

    public OptionalInt tokenToId(String token) {
        for (AddedToken added : addedVocabulary.tokens()) {
            if (added.content().equals(token)) {
                return OptionalInt.of(added.id());
            }
        }
        return model.tokenToId(token);
    }

    /** The {@code truncation.max_length} of the file, if it sets one. */
    public OptionalInt truncationMaxLength() {
        return truncationMaxLength;
    }
}

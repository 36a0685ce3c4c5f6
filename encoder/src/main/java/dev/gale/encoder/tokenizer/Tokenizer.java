package dev.gale.encoder.tokenizer;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gale.encoder.tokenizer.decoders.Decoders;
import dev.gale.encoder.tokenizer.models.Models;
import dev.gale.encoder.tokenizer.normalizers.Normalizers;
import dev.gale.encoder.tokenizer.pretokenizers.PreTokenizers;
import dev.gale.encoder.tokenizer.processors.Processors;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * A tokenizer read from a Hugging Face {@code tokenizer.json}, giving what the Rust {@code tokenizers}
 * library gives: ids, type ids, special-tokens mask, word ids and offsets into the text. The pipeline
 * is Hugging Face's ({@code tokenizer/mod.rs}), each stage chosen by the file's {@code type} tags:
 *
 * <pre>
 *   text ─ AddedVocabulary: cut around added tokens matched on the raw text
 *     └─ each other piece ─ Normalizer ─ AddedVocabulary: cut around added tokens on normalized text
 *          └─ each other piece ─ PreTokenizer ─ words ─ Model ─ tokens (with offsets)
 *   tokens ─ Truncation ─ PostProcessor (special tokens, type ids) ─ Encoding
 *   ids ─ Decoder ─ text
 * </pre>
 *
 * <p>Instances are immutable and safe to share between threads. The file's {@code padding} is ignored
 * (Gale never pads) and its {@code truncation} is only reported: truncation is an argument of each call.
 */
public final class Tokenizer {

    // A vocabulary is tens of thousands of distinct field names: Jackson's field-name symbol table (canonicalization,
    // made for the few names repeated in most JSON) only costs there; without it the parse takes 40% less CPU
    private static final ObjectMapper MAPPER = new ObjectMapper(
            JsonFactory.builder().disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES).build());

    private final AddedVocabulary addedVocabulary;
    private final Normalizer normalizer; // null: none
    private final PreTokenizer preTokenizer; // null: each piece is one word
    private final Model model;
    private final PostProcessor postProcessor;
    private final Decoder decoder; // null: tokens joined with spaces
    private final OptionalInt truncationMaxLength;
    private final int vocabSize;
    private final String pipeline;

    private Tokenizer(AddedVocabulary addedVocabulary, Normalizer normalizer, PreTokenizer preTokenizer,
                      Model model, PostProcessor postProcessor, Decoder decoder,
                      OptionalInt truncationMaxLength, String pipeline) {
        this.addedVocabulary = addedVocabulary;
        this.normalizer = normalizer;
        this.preTokenizer = preTokenizer;
        this.model = model;
        this.postProcessor = postProcessor;
        this.decoder = decoder;
        this.truncationMaxLength = truncationMaxLength;
        this.pipeline = pipeline;
        int extra = 0;
        for (AddedToken token : addedVocabulary.tokens()) {
            if (model.tokenToId(token.content()).isEmpty()) {
                extra++;
            }
        }
        this.vocabSize = model.vocabSize() + extra;
    }

    /**
     * Reads the tokenizer of a model: {@code path} is a tokenizer.json file or a directory holding one.
     * Only the tokenizer file is read, so this works whatever the model's weights or architecture.
     */
    public static Tokenizer load(Path path) throws IOException {
        Path file = Files.isDirectory(path) ? path.resolve("tokenizer.json") : path;
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(Files.isDirectory(path)
                    ? path + ": no tokenizer.json in this directory"
                    : path + ": no such file (expected a tokenizer.json or a directory holding one)");
        }
        return fromJson(file);
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
     * @throws IllegalArgumentException when the file is not valid JSON or asks for a component or
     *     option Gale does not implement; the message names the file, the JSON path and the type
     */
    public static Tokenizer fromJson(InputStream in, String sourceName) throws IOException {
        TokenizerJson json = new TokenizerJson(sourceName);
        JsonNode root;
        try {
            root = MAPPER.readTree(in);
        } catch (JacksonException e) {
            throw new IllegalArgumentException(sourceName + ": not valid JSON (" + e.getOriginalMessage() + ")", e);
        }
        if (root == null || root.isMissingNode()) {
            throw new IllegalArgumentException(sourceName + ": the file is empty (expected a tokenizer.json object)");
        }
        if (!root.isObject()) {
            throw json.error("(root)", TokenizerJson.describe(root), "a JSON object");
        }
        Model model = Models.fromJson(json.object(root, "", "model"), "model", json);

        JsonNode normalizerNode = TokenizerJson.optional(root, "normalizer");
        Normalizer normalizer = normalizerNode == null ? null
                : Normalizers.fromJson(normalizerNode, "normalizer", json);
        JsonNode preTokenizerNode = TokenizerJson.optional(root, "pre_tokenizer");
        PreTokenizer preTokenizer = preTokenizerNode == null ? null
                : PreTokenizers.fromJson(preTokenizerNode, "pre_tokenizer", json);
        JsonNode postNode = TokenizerJson.optional(root, "post_processor");
        PostProcessor postProcessor = postNode == null ? PostProcessor.NONE
                : Processors.fromJson(postNode, "post_processor", json);
        JsonNode decoderNode = TokenizerJson.optional(root, "decoder");
        Decoder decoder = decoderNode == null ? null : Decoders.fromJson(decoderNode, "decoder", json);

        JsonNode addedNode = TokenizerJson.optional(root, "added_tokens");
        AddedVocabulary addedVocabulary = addedNode == null
                ? new AddedVocabulary(List.of(), normalizer)
                : AddedVocabulary.fromJson(json.array(root, "", "added_tokens"), "added_tokens", json, model,
                        normalizer);

        OptionalInt maxLength = OptionalInt.empty();
        JsonNode truncationNode = TokenizerJson.optional(root, "truncation");
        if (truncationNode != null) {
            maxLength = OptionalInt.of(json.nonNegativeInt(truncationNode, "truncation", "max_length"));
        }
        String pipeline = "model " + describe(root.get("model"))
                + ", normalizer " + describe(normalizerNode) + ", pre-tokenizer " + describe(preTokenizerNode)
                + ", post-processor " + describe(postNode) + ", decoder " + describe(decoderNode);
        return new Tokenizer(addedVocabulary, normalizer, preTokenizer, model, postProcessor, decoder, maxLength,
                pipeline);
    }

    // A component's type tag, with the types of a Sequence's members: "Sequence[NFD, Lowercase]".
    private static String describe(JsonNode node) {
        if (node == null) {
            return "none";
        }
        String type = TokenizerJson.type(node);
        if (type == null) {
            return "(untagged)";
        }
        for (String members : new String[] {"normalizers", "pretokenizers", "processors", "decoders"}) {
            JsonNode list = node.get(members);
            if ("Sequence".equals(type) && list != null && list.isArray()) {
                List<String> parts = new ArrayList<>();
                list.forEach(member -> parts.add(describe(member)));
                return "Sequence[" + String.join(", ", parts) + "]";
            }
        }
        return type;
    }

    // ---- encoding ---------------------------------------------------------------------------------

    /**
     * Encodes one text with the post-processor's special tokens.
     *
     * @param maxLength the most tokens to return, special tokens included (Hugging Face's truncation,
     *     longest_first, direction right, stride 0); zero or less for no limit
     * @throws IllegalArgumentException when maxLength is positive but leaves no room for the special
     *     tokens themselves
     */
    public Encoding encode(String text, int maxLength) {
        return encode(text, null, EncodeOptions.builder().maxLength(maxLength).build());
    }

    /** Encodes one text, untruncated, with special tokens. */
    public Encoding encode(String text) {
        return encode(text, null, EncodeOptions.DEFAULT);
    }

    /**
     * Encodes a text pair with the pair template; when too long, both sequences are cut with Hugging
     * Face's longest_first strategy.
     *
     * @param maxLength as for {@link #encode(String, int)}
     */
    public Encoding encodePair(String a, String b, int maxLength) {
        return encode(a, b, EncodeOptions.builder().maxLength(maxLength).build());
    }

    /**
     * {@code encode}: one text ({@code b == null}) or a pair, truncated and post-processed as
     * {@code options} say. Offsets of the second text's tokens point into {@code b}.
     *
     * @throws IllegalArgumentException when the truncation asked for cannot be done (a max length
     *     smaller than the special tokens, only_first / only_second with too short a sequence)
     */
    public Encoding encode(String a, String b, EncodeOptions options) {
        // With truncation, Hugging Face tokenizes each text only until it holds max_length tokens
        // (tokenize_with_limit), and not the first text with only_second.
        int limit = options.maxLength();
        boolean fromEnd = options.direction() == Truncation.Direction.LEFT;
        boolean onlySecond = options.strategy() == Truncation.Strategy.ONLY_SECOND;
        Encoding first = encodeSequence(a, 0, onlySecond ? 0 : limit, fromEnd);
        Encoding second = b == null ? null : encodeSequence(b, 1, limit, fromEnd);
        if (limit > 0) {
            boolean isPair = second != null;
            int added = options.addSpecialTokens() ? postProcessor.addedTokens(isPair) : 0;
            if (limit < added) {
                // Hugging Face underflows here (usize) and silently stops truncating.
                throw new IllegalArgumentException("max length " + limit + " is less than the " + added
                        + " special tokens the " + (isPair ? "pair" : "single") + " template adds");
            }
            Encoding[] cut = Truncation.truncate(first, second, limit - added, options.strategy(),
                    options.direction());
            first = cut[0];
            second = cut[1];
        }
        // Post-processors trim offsets as Hugging Face does, in code points: with characters outside the
        // BMP, the offsets go to code points and back.
        boolean astral = hasSurrogates(a) || (b != null && hasSurrogates(b));
        if (!astral) {
            return postProcessor.process(first, second, options.addSpecialTokens());
        }
        int[] aCodePoints = codePointIndex(a);
        int[] bCodePoints = b == null ? null : codePointIndex(b);
        first = first.withOffsets(map(first.offsets(), aCodePoints));
        second = second == null ? null : second.withOffsets(map(second.offsets(), bCodePoints));
        Encoding out = postProcessor.process(first, second, options.addSpecialTokens());
        int[] aChars = utf16Index(a, aCodePoints);
        int[] bChars = b == null ? null : utf16Index(b, bCodePoints);
        int[] offsets = out.offsets().clone();
        for (int t = 0; t < out.length(); t++) {
            int sequence = out.sequenceIds()[t];
            if (sequence >= 0) {
                int[] chars = sequence == 1 ? bChars : aChars;
                offsets[2 * t] = chars[Math.min(offsets[2 * t], chars.length - 1)];
                offsets[2 * t + 1] = chars[Math.min(offsets[2 * t + 1], chars.length - 1)];
            }
        }
        return out.withOffsets(offsets);
    }

    // (text.length() + 1) the code point index of each char offset; the low half of a pair counts as its code point
    private static int[] codePointIndex(String text) {
        int[] index = new int[text.length() + 1];
        int cp = 0;
        for (int i = 0; i < text.length(); i++) {
            boolean lowHalf = i > 0 && Character.isLowSurrogate(text.charAt(i))
                    && Character.isHighSurrogate(text.charAt(i - 1));
            index[i] = lowHalf ? cp - 1 : cp++;
        }
        index[text.length()] = cp;
        return index;
    }

    // (code points + 1) the char offset where each code point starts
    private static int[] utf16Index(String text, int[] codePointIndex) {
        int[] chars = new int[codePointIndex[text.length()] + 1];
        for (int i = text.length(); i >= 0; i--) {
            chars[codePointIndex[i]] = i;
        }
        return chars;
    }

    private static int[] map(int[] offsets, int[] index) {
        int[] out = new int[offsets.length];
        for (int i = 0; i < offsets.length; i++) {
            out[i] = index[Math.min(offsets[i], index.length - 1)];
        }
        return out;
    }

    private static boolean hasSurrogates(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isSurrogate(text.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The encoding of one sequence before truncation and special tokens, every type id {@code typeId};
     * {@code limit} and {@code fromEnd} as {@link PreTokenizedString#tokenize}.
     */
    private Encoding encodeSequence(String text, int typeId, int limit, boolean fromEnd) {
        String clean = withoutLoneSurrogates(text);
        PreTokenizedString pieces = new PreTokenizedString(clean);
        addedVocabulary.extractAndNormalize(normalizer, pieces);
        if (preTokenizer != null) {
            preTokenizer.preTokenize(pieces);
        }
        IntList quads = new IntList(clean.length() + 16);
        List<String> values = new ArrayList<>(clean.length() / 3 + 4);
        pieces.tokenize(model, new IntList(48), quads, values, limit, fromEnd);
        int n = quads.size() / 4;
        if (n == 0) {
            return Encoding.EMPTY;
        }
        int[] ids = new int[n];
        int[] typeIds = new int[n];
        int[] offsets = new int[2 * n];
        int[] words = new int[n];
        for (int t = 0; t < n; t++) {
            ids[t] = quads.get(4 * t);
            typeIds[t] = typeId;
            offsets[2 * t] = quads.get(4 * t + 1);
            offsets[2 * t + 1] = quads.get(4 * t + 2);
            words[t] = quads.get(4 * t + 3);
        }
        return new Encoding(ids, typeIds, values.toArray(String[]::new), offsets, new int[n], words, new int[n],
                false);
    }

    // A Rust string cannot hold a lone surrogate; one reads as U+FFFD (same length, same offsets).
    private static String withoutLoneSurrogates(String text) {
        char[] fixed = null;
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (!Character.isSurrogate(c)) {
                continue;
            }
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
                continue;
            }
            if (fixed == null) {
                fixed = text.toCharArray();
            }
            fixed[i] = '\uFFFD';
        }
        return fixed == null ? text : new String(fixed);
    }

    // ---- decoding ---------------------------------------------------------------------------------

    /**
     * {@code decode}: the text of {@code ids}, as the file's decoder writes it (tokens joined with
     * spaces when it has none). Ids with no token are skipped, as in Hugging Face.
     *
     * @param skipSpecialTokens leave out the special added tokens ([CLS], &lt;s&gt;, ...)
     */
    public String decode(int[] ids, boolean skipSpecialTokens) {
        List<String> tokens = new ArrayList<>(ids.length);
        for (int id : ids) {
            String token = addedVocabulary.decodedForm(id);
            if (token == null) {
                token = model.idToToken(id);
            }
            if (token == null || (skipSpecialTokens && addedVocabulary.isSpecial(token))) {
                continue;
            }
            tokens.add(token);
        }
        return decoder == null ? String.join(" ", tokens) : decoder.decode(tokens);
    }

    /**
     * {@code convert_tokens_to_string}: vocabulary tokens ("##ing", "Ġthe") back into text through the
     * file's decoder (joined with spaces when it has none).
     */
    public String tokensToString(List<String> tokens) {
        return decoder == null ? String.join(" ", tokens) : decoder.decode(tokens);
    }

    /** The tokenizer model's type as tokenizer.json names it: "WordPiece", "BPE", "Unigram" or "WordLevel". */
    public String modelType() {
        return model.getClass().getSimpleName();
    }

    /** The tokenizer model's unknown-token id, or -1. */
    public int unkId() {
        return model.unkId();
    }

    /** The model's continuing-subword prefix ("##"), or null (see {@link Model#continuingSubwordPrefix}). */
    public String continuingSubwordPrefix() {
        return model.continuingSubwordPrefix();
    }

    // ---- vocabulary -------------------------------------------------------------------------------

    /** The vocabulary size, added tokens included. */
    public int vocabSize() {
        return vocabSize;
    }

    /** The token with this id ({@code id_to_token}), or {@code null} when there is none. */
    public String idToToken(int id) {
        AddedToken added = addedVocabulary.byId(id);
        return added != null ? added.content() : model.idToToken(id);
    }

    /** The id of this token ({@code token_to_id}), added tokens first. */
    public OptionalInt tokenToId(String token) {
        int added = addedVocabulary.idOf(token);
        return added >= 0 ? OptionalInt.of(added) : model.tokenToId(token);
    }

    /** Whether {@code id} is a special added token ([CLS], &lt;mask&gt;, ...). */
    public boolean isSpecialToken(int id) {
        AddedToken added = addedVocabulary.byId(id);
        return added != null && added.special();
    }

    /** The number of special tokens the post-processor adds to one text or to a pair. */
    public int addedTokens(boolean isPair) {
        return postProcessor.addedTokens(isPair);
    }

    /**
     * The file's components by their type tags, e.g. "model WordPiece, normalizer BertNormalizer,
     * pre-tokenizer BertPreTokenizer, post-processor TemplateProcessing, decoder WordPiece".
     */
    public String pipeline() {
        return pipeline;
    }

    /** The {@code truncation.max_length} of the file, if it sets one. */
    public OptionalInt truncationMaxLength() {
        return truncationMaxLength;
    }
}

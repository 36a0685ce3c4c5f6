package dev.gale.encoder;

import dev.gale.encoder.model.TokenizerConfig;
import dev.gale.encoder.nn.Head;
import dev.gale.encoder.tokenizer.Encoding;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Masked-token prediction, as transformers' {@code fill-mask} pipeline: for each mask token of a text, the
 * top-k tokens by softmax probability with the decoded token and the text with it filled in. The vocabulary
 * projection runs only at the mask positions.
 * <pre>{@code
 * try (FillMask fill = FillMask.load("path/to/bert-base-uncased")) {
 *     FillMask.Prediction best = fill.fill(List.of("Paris is the [MASK] of France."), 5).getFirst().getFirst().getFirst();
 * }
 * }</pre>
 * As the pipeline: {@code token_str} is the token decoded alone; {@code sequence} the ids decoded with the
 * prediction in place, without special tokens when the text has one mask and with them when it has several.
 * Thread-safe.
 */
public final class FillMask extends EncoderTask {

    /** One prediction: probability, token id, decoded token, filled text. */
    public record Prediction(float score, int token, String tokenStr, String sequence) {}

    /** A text without the mask token; the message names the mask token, {@link #index()} the text. */
    public static final class NoMaskException extends IllegalArgumentException {
        private final int index;

        public NoMaskException(String message) {
            this(message, -1);
        }

        public NoMaskException(String message, int index) {
            super(message);
            this.index = index;
        }

        /** The index of the text (or encoding) without a mask in the list given, or -1 if unknown. */
        public int index() {
            return index;
        }
    }

    private final Head head;
    private final String maskToken;
    private final int maskId;
    private final int padId;
    private final boolean cleanUp;

    private FillMask(String model, Options options) {
        super(model, options, h -> h.maskedLm() == null ? missing(h, "masked-LM") : null);
        this.head = loaded().heads().maskedLm();
        String mask = TokenizerConfig.specialToken(loaded().directory(), "mask_token");
        if (mask == null) {
            mask = tokenizer().tokenToId("[MASK]").isPresent() ? "[MASK]" : "<mask>";
        }
        OptionalInt id = tokenizer().tokenToId(mask);
        if (id.isEmpty()) {
            throw new IllegalArgumentException(loaded().name() + ": the mask token '" + mask + "' is not in the tokenizer's vocabulary");
        }
        this.maskToken = mask;
        this.maskId = id.getAsInt();
        String pad = TokenizerConfig.specialToken(loaded().directory(), "pad_token");
        this.padId = pad == null ? -1 : tokenizer().tokenToId(pad).orElse(-1);
        // transformers 5.18 skips clean_up_tokenization for BPE tokenizers (it would strip real spaces before punctuation)
        this.cleanUp = TokenizerConfig.cleanUpTokenizationSpaces(loaded().directory()) && !tokenizer().modelType().equals("BPE");
    }

    public static FillMask load(String model) {
        return load(model, Options.defaults());
    }

    public static FillMask load(String model, Options options) {
        return new FillMask(model, options);
    }

    /** The mask token as the texts must spell it ("[MASK]", "&lt;mask&gt;"). */
    public String maskToken() {
        return maskToken;
    }

    /**
     * The {@code topK} predictions for each mask of each text: per text, per mask (in text order), best first.
     *
     * @throws NoMaskException naming the first text (by index) without the mask token
     */
    public List<List<List<Prediction>>> fill(List<String> texts, int topK) {
        return fillEncodings(tokenize(texts), topK);
    }

    /** As {@link #fill} over encodings made by {@link #tokenize}; a {@link NoMaskException} names the encoding's index. */
    public List<List<List<Prediction>>> fillEncodings(List<Encoding> encodings, int topK) {
        if (topK < 1) {
            throw new IllegalArgumentException("top-k must be at least 1, got " + topK);
        }
        int[][] masks = new int[encodings.size()][];
        for (int s = 0; s < encodings.size(); s++) {
            int[] ids = encodings.get(s).ids();
            masks[s] = java.util.stream.IntStream.range(0, ids.length).filter(t -> ids[t] == maskId).toArray();
            if (masks[s].length == 0) {
                throw new NoMaskException("text " + s + " has no mask token " + maskToken
                        + (encodings.get(s).truncated() ? " within the first " + maxLength() + " tokens" : ""), s);
            }
        }
        float[] logits = run(encodings, head, masks);
        int vocab = head.outputSize();
        int k = Math.min(topK, vocab);
        List<List<List<Prediction>>> out = new ArrayList<>(encodings.size());
        int row = 0;
        for (int s = 0; s < encodings.size(); s++) {
            int[] ids = encodings.get(s).ids();
            boolean single = masks[s].length == 1;
            List<List<Prediction>> perMask = new ArrayList<>();
            for (int m : masks[s]) {
                double[] p = softmax(logits, row * vocab, vocab);
                row++;
                List<Prediction> best = new ArrayList<>(k);
                for (int id : top(p, k)) {
                    int[] filled = ids.clone();
                    filled[m] = id;
                    if (padId >= 0) {
                        filled = java.util.Arrays.stream(filled).filter(t -> t != padId).toArray();
                    }
                    best.add(new Prediction((float) p[id], id, decode(new int[]{id}, false), decode(filled, single)));
                }
                perMask.add(List.copyOf(best));
            }
            out.add(List.copyOf(perMask));
        }
        return out;
    }

    /** The tokenizer's decode, then transformers' clean_up_tokenization when tokenizer_config.json asks for it. */
    private String decode(int[] ids, boolean skipSpecial) {
        String text = tokenizer().decode(ids, skipSpecial);
        if (!cleanUp) {
            return text;
        }
        return text.replace(" .", ".").replace(" ?", "?").replace(" !", "!").replace(" ,", ",").replace(" ' ", "'")
                .replace(" n't", "n't").replace(" 'm", "'m").replace(" 's", "'s").replace(" 've", "'ve").replace(" 're", "'re");
    }

    /** The k indices of the largest p, largest first (ties: lower index first, as torch.topk on CPU gives them). */
    private static int[] top(double[] p, int k) {
        int[] best = new int[k];
        int size = 0;
        for (int i = 0; i < p.length; i++) {
            if (size < k || p[i] > p[best[size - 1]]) {
                int j = size < k ? size++ : size - 1;
                while (j > 0 && p[best[j - 1]] < p[i]) {
                    best[j] = best[j - 1];
                    j--;
                }
                best[j] = i;
            }
        }
        return best;
    }
}

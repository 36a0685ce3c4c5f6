package dev.gale.encoder.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * Hugging Face's {@code PreTokenizedString} ({@code tokenizer/pre_tokenizer.rs}): one input text as a
 * row of pieces ({@link NormalizedString}s over it), some already tokenized (the added tokens), the
 * others still to be split by pre-tokenizers and then tokenized by the model. Not thread-safe.
 */
public final class PreTokenizedString {

    /** Cuts one piece into pieces: appends them to {@code out}; empty ones are dropped. */
    @FunctionalInterface
    public interface Splitter {
        void split(int index, NormalizedString piece, List<NormalizedString> out);
    }

    /** Piece id of a piece the model still has to tokenize. */
    static final int UNTOKENIZED = -1;

    private final String original;
    private List<NormalizedString> pieces = new ArrayList<>();
    private IntList addedIds = new IntList(8); // (pieces) an added token's id, or UNTOKENIZED

    public PreTokenizedString(String original) {
        this.original = original;
        pieces.add(NormalizedString.of(original));
        addedIds.add(UNTOKENIZED);
    }

    public String original() {
        return original;
    }

    public int size() {
        return pieces.size();
    }

    public NormalizedString piece(int index) {
        return pieces.get(index);
    }

    /** The added token's id when piece {@code index} is one, else -1. */
    public int addedId(int index) {
        return addedIds.get(index);
    }

    /** {@code split}: hands every untokenized piece to {@code splitter}, in order. */
    public void split(Splitter splitter) {
        List<NormalizedString> next = new ArrayList<>(pieces.size() * 4 + 4);
        IntList nextIds = new IntList(pieces.size() * 4 + 4);
        List<NormalizedString> out = new ArrayList<>(8);
        for (int i = 0; i < pieces.size(); i++) {
            if (addedIds.get(i) != UNTOKENIZED) {
                next.add(pieces.get(i));
                nextIds.add(addedIds.get(i));
                continue;
            }
            out.clear();
            splitter.split(i, pieces.get(i), out);
            for (NormalizedString piece : out) {
                if (!piece.isEmpty()) {
                    next.add(piece);
                    nextIds.add(UNTOKENIZED);
                }
            }
        }
        pieces = next;
        addedIds = nextIds;
    }

    /** Finds added tokens in a piece: (start, end, id) triples covering it, id -1 for plain text. */
    @FunctionalInterface
    interface Cutter {
        IntList cut(CharSequence piece);
    }

    /**
     * The added-token pass of {@code extract_and_normalize}: every untokenized piece is normalized
     * (when {@code normalizer} is set), then cut by {@code cutter} (when set) into plain pieces and
     * pieces that are added tokens.
     */
    void splitAdded(Normalizer normalizer, Cutter cutter) {
        List<NormalizedString> next = new ArrayList<>(pieces.size() + 4);
        IntList nextIds = new IntList(pieces.size() + 4);
        for (int i = 0; i < pieces.size(); i++) {
            NormalizedString piece = pieces.get(i);
            if (addedIds.get(i) != UNTOKENIZED) {
                next.add(piece);
                nextIds.add(addedIds.get(i));
                continue;
            }
            if (normalizer != null) {
                normalizer.normalize(piece);
            }
            if (cutter == null) {
                if (!piece.isEmpty()) {
                    next.add(piece);
                    nextIds.add(UNTOKENIZED);
                }
                continue;
            }
            IntList cut = cutter.cut(piece);
            for (int c = 0; c < cut.size(); c += 3) {
                int from = cut.get(c);
                int to = cut.get(c + 1);
                if (from < to) {
                    next.add(from == 0 && to == piece.length() ? piece : piece.slice(from, to));
                    nextIds.add(cut.get(c + 2) < 0 ? UNTOKENIZED : cut.get(c + 2));
                }
            }
        }
        pieces = next;
        addedIds = nextIds;
    }

    /** Applies {@code normalizer} to every untokenized piece. */
    public void normalize(Normalizer normalizer) {
        for (int i = 0; i < pieces.size(); i++) {
            if (addedIds.get(i) == UNTOKENIZED) {
                normalizer.normalize(pieces.get(i));
            }
        }
    }

    /**
     * Runs the model over the untokenized pieces and appends each token of every piece, in order, to
     * {@code out} as (id, original start, original end, piece index) quadruples.
     *
     * <p>With {@code limit > 0} this is {@code tokenize_with_limit}: pieces are tokenized from the
     * start ({@code fromEnd} false) or the end until they hold at least {@code limit} tokens, and the
     * pieces beyond are dropped, those before the first kept one renumbering the rest (word ids). It only
     * saves work, except that the shortened lengths are what truncation then sees, so Gale does the
     * same to cut pairs as Hugging Face does.
     */
    void tokenize(Model model, IntList scratch, IntList out, List<String> values, int limit, boolean fromEnd) {
        int n = pieces.size();
        if (limit <= 0) {
            for (int i = 0; i < n; i++) {
                NormalizedString piece = pieces.get(i);
                int added = addedIds.get(i);
                if (added != UNTOKENIZED) {
                    long o = piece.originalOffsets(0, piece.length());
                    out.add(added);
                    out.add(NormalizedString.packedStart(o));
                    out.add(NormalizedString.packedEnd(o));
                    out.add(i);
                    values.add(piece.toString());
                    continue;
                }
                scratch.clear();
                model.tokenize(piece, scratch);
                for (int k = 0; k < scratch.size(); k += 3) {
                    long o = piece.originalOffsets(scratch.get(k + 1), scratch.get(k + 2));
                    values.add(model.tokenValue(scratch.get(k), piece, scratch.get(k + 1), scratch.get(k + 2)));
                    out.add(scratch.get(k));
                    out.add(NormalizedString.packedStart(o));
                    out.add(NormalizedString.packedEnd(o));
                    out.add(i);
                }
            }
            return;
        }
        int first = 0;
        int last = n;
        int[][] tokens = new int[n][];
        {
            int total = 0;
            if (fromEnd) {
                first = n;
                for (int i = n - 1; i >= 0; i--) {
                    tokens[i] = tokensOf(i, model, scratch);
                    total += tokens[i].length / 3;
                    first = i;
                    if (addedIds.get(i) == UNTOKENIZED && total >= limit) {
                        break;
                    }
                }
            } else {
                last = 0;
                for (int i = 0; i < n; i++) {
                    tokens[i] = tokensOf(i, model, scratch);
                    total += tokens[i].length / 3;
                    last = i + 1;
                    if (addedIds.get(i) == UNTOKENIZED && total >= limit) {
                        break;
                    }
                }
            }
        }
        for (int i = first; i < last; i++) {
            NormalizedString piece = pieces.get(i);
            int[] t = tokens[i] != null ? tokens[i] : tokensOf(i, model, scratch);
            boolean isAdded = addedIds.get(i) != UNTOKENIZED;
            for (int k = 0; k < t.length; k += 3) {
                long o = piece.originalOffsets(t[k + 1], t[k + 2]);
                values.add(isAdded ? piece.toString() : model.tokenValue(t[k], piece, t[k + 1], t[k + 2]));
                out.add(t[k]);
                out.add(NormalizedString.packedStart(o));
                out.add(NormalizedString.packedEnd(o));
                out.add(i - first);
            }
        }
        if (first > 0 || last < n) {
            pieces = new ArrayList<>(pieces.subList(first, last));
            IntList ids = new IntList(last - first);
            for (int i = first; i < last; i++) {
                ids.add(addedIds.get(i));
            }
            addedIds = ids;
        }
    }

    // The (id, start, end) triples of piece i, start and end in the piece's chars.
    private int[] tokensOf(int i, Model model, IntList scratch) {
        NormalizedString piece = pieces.get(i);
        int added = addedIds.get(i);
        if (added != UNTOKENIZED) {
            return new int[] {added, 0, piece.length()};
        }
        scratch.clear();
        model.tokenize(piece, scratch);
        return scratch.toArray();
    }
}

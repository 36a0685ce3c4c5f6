package dev.gale.encoder.tokenizer.models;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.encoder.tokenizer.IntList;
import dev.gale.encoder.tokenizer.TokenizerJson;
import java.util.Map;

/**
 * Hugging Face's {@code WordPiece} model ({@code models/wordpiece/mod.rs}): greedy longest match
 * first, continuation pieces looked up with their prefix, and the whole word replaced by the
 * unknown token when it is too long or when any part of it cannot be matched.
 *
 * <p>A candidate piece is looked up straight from the word, prefix included, without building a
 * string, and candidates longer than the longest token are skipped without a lookup.
 */
public final class WordPiece extends VocabModel {

    private final int unkId; // -1 when unk_token is not in the vocabulary
    private final String missingUnk; // the error for a word that needs the missing unk token
    private final int maxInputCharsPerWord;
    private final char[] prefix;
    private final int prefixHash;

    WordPiece(Vocab vocab, String unkToken, String continuingSubwordPrefix, int maxInputCharsPerWord,
              String missingUnk) {
        super(vocab);
        this.unkId = vocab.get(unkToken);
        this.missingUnk = missingUnk;
        this.maxInputCharsPerWord = maxInputCharsPerWord;
        this.prefix = continuingSubwordPrefix.toCharArray();
        this.prefixHash = Vocab.hash(Vocab.SEED, prefix);
    }

    /**
     * Reads {@code vocab}, {@code unk_token}, {@code continuing_subword_prefix} and
     * {@code max_input_chars_per_word}, all required as in Hugging Face.
     */
    static WordPiece fromJson(JsonNode node, String path, TokenizerJson json) {
        Map<String, Integer> vocab = Vocab.readMap(node, path, "vocab", json);
        String unk = json.text(node, path, "unk_token");
        String prefix = json.text(node, path, "continuing_subword_prefix");
        int maxChars = json.nonNegativeInt(node, path, "max_input_chars_per_word");
        return new WordPiece(new Vocab(vocab), unk, prefix, maxChars, Vocab.missingUnk(json, path, unk));
    }

    @Override
    public void tokenize(CharSequence word, IntList out) {
        int end = word.length();
        if (end == 0) {
            return;
        }
        if (Character.codePointCount(word, 0, end) > maxInputCharsPerWord) {
            addUnk(end, out);
            return;
        }
        int mark = out.size();
        int maxPieceChars = vocab.maxKeyChars();
        int[] hashes = new int[Math.min(end, maxPieceChars) + 1]; // (candidate length + 1)
        int pos = 0;
        while (pos < end) {
            boolean continuation = pos > 0;
            char[] pre = continuation ? prefix : Vocab.NONE;
            int longest = maxPieceChars - pre.length;
            int to = end;
            if (to - pos > longest) {
                to = pos + longest;
                // Only whole code points are candidates, as in the Rust loop.
                if (to > pos && Character.isHighSurrogate(word.charAt(to - 1))
                        && Character.isLowSurrogate(word.charAt(to))) {
                    to--;
                }
            }
            // The hash of every candidate pre + word[pos, pos + k), each one step from the last.
            int h = continuation ? prefixHash : Vocab.SEED;
            for (int i = pos; i < to; i++) {
                h = h * 31 + word.charAt(i);
                hashes[i + 1 - pos] = h;
            }
            int id = -1;
            while (to > pos) {
                id = vocab.find(hashes[to - pos], pre, word, pos, to, Vocab.NONE);
                if (id >= 0) {
                    break;
                }
                to -= (to - pos >= 2 && Character.isLowSurrogate(word.charAt(to - 1))
                        && Character.isHighSurrogate(word.charAt(to - 2))) ? 2 : 1;
            }
            if (id < 0) {
                out.truncate(mark);
                addUnk(end, out);
                return;
            }
            out.add(id, pos, to);
            pos = to;
        }
    }

    private void addUnk(int end, IntList out) {
        if (unkId < 0) {
            throw new IllegalArgumentException(missingUnk);
        }
        out.add(unkId, 0, end);
    }

    @Override
    public int unkId() {
        return unkId;
    }

    @Override
    public String continuingSubwordPrefix() {
        return new String(prefix);
    }
}

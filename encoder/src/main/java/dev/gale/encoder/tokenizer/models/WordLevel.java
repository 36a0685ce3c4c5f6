package dev.gale.encoder.tokenizer.models;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.encoder.tokenizer.IntList;
import dev.gale.encoder.tokenizer.TokenizerJson;

/**
 * Hugging Face's {@code WordLevel} model ({@code models/wordlevel/mod.rs}): the whole word is one
 * token, its own when the vocabulary has it, else the unknown token.
 */
public final class WordLevel extends VocabModel {

    private final int unkId; // -1 when unk_token is not in the vocabulary
    private final String missingUnk; // the error for a word that needs the missing unk token

    WordLevel(Vocab vocab, String unkToken, String missingUnk) {
        super(vocab);
        this.unkId = vocab.get(unkToken);
        this.missingUnk = missingUnk;
    }

    /** Reads {@code vocab} and {@code unk_token}, both required as in Hugging Face. */
    static WordLevel fromJson(JsonNode node, String path, TokenizerJson json) {
        Vocab vocab = new Vocab(Vocab.readMap(node, path, "vocab", json));
        String unk = json.text(node, path, "unk_token");
        return new WordLevel(vocab, unk, Vocab.missingUnk(json, path, unk));
    }

    @Override
    public void tokenize(CharSequence word, IntList out) {
        int id = vocab.get(word);
        if (id < 0) {
            if (unkId < 0) {
                throw new IllegalArgumentException(missingUnk);
            }
            id = unkId;
        }
        out.add(id, 0, word.length());
    }

    @Override
    public int unkId() {
        return unkId;
    }
}

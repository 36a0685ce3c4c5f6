package dev.gale.encoder.tokenizer.models;

import dev.gale.encoder.tokenizer.Model;
import java.util.OptionalInt;

/**
 * A model whose tokens are the keys of a {@code vocab} map (BPE, WordPiece, WordLevel): the
 * vocabulary lookups their Hugging Face structs each implement the same way.
 */
abstract sealed class VocabModel implements Model permits BPE, WordLevel, WordPiece {

    final Vocab vocab;

    VocabModel(Vocab vocab) {
        this.vocab = vocab;
    }

    @Override
    public final OptionalInt tokenToId(String token) {
        int id = vocab.get(token);
        return id < 0 ? OptionalInt.empty() : OptionalInt.of(id);
    }

    @Override
    public final String idToToken(int id) {
        return vocab.token(id);
    }

    @Override
    public final int vocabSize() {
        return vocab.size();
    }
}

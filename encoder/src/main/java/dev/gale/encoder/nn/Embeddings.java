package dev.gale.encoder.nn;

import dev.gale.encoder.model.Tensor;

/**
 * The input embeddings of every family: x = word[id] (+ position[p]) (+ tokenType[t]), then a LayerNorm
 * and an optional projection to the hidden size, in the family's order. Tables stay where the loader
 * put them (a mapped file); rows are read on gather.
 * <pre>  V vocab, P positions, E embedding size (the hidden size H unless projected), H hidden </pre>
 *
 * @param word            (V, E)
 * @param position        (P, E), or null (RoPE and relative-position families)
 * @param positionIds     how a token's position id follows from its index in the sequence
 * @param tokenType       (types, E), or null (a family or config without token types)
 * @param norm            LayerNorm over E (or over H when {@code projectFirst}), or null
 * @param projection      Linear E -> H (ELECTRA's {@code embeddings_project}, DeBERTa's {@code embed_proj}), or null
 * @param projectFirst    DeBERTa projects before the norm; ELECTRA after it
 */
public record Embeddings(Tensor word, Tensor position, PositionIds positionIds, Tensor tokenType, LayerNorm norm,
                         Linear projection, boolean projectFirst) {

    /** Position ids: BERT counts from 0; RoBERTa's family from padding_idx + 1, skipping pad tokens as HF does. */
    public sealed interface PositionIds {
        /** position = index in the sequence */
        record FromZero() implements PositionIds {}

        /** position = padding_idx + (number of non-pad tokens up to and including this one); a pad token gets padding_idx */
        record AfterPadding(int paddingIdx) implements PositionIds {}
    }

    public static final PositionIds FROM_ZERO = new PositionIds.FromZero();

    public int vocabSize() {
        return (int) word.shape()[0];
    }

    public int size() {
        return (int) word.shape()[1];
    }

    public int typeVocabSize() {
        return tokenType == null ? 0 : (int) tokenType.shape()[0];
    }

    /** The longest sequence the position table allows, or {@link Integer#MAX_VALUE} without one. */
    public int maxSequenceLength() {
        if (position == null) {
            return Integer.MAX_VALUE;
        }
        int rows = (int) position.shape()[0];
        return positionIds instanceof PositionIds.AfterPadding p ? rows - p.paddingIdx() - 1 : rows;
    }
}

package dev.gale.encoder.bert;

import dev.gale.encoder.model.WeightMap;

/**
 * One {@code BertLayer}: self-attention (Q, K and V fused into one projection at load), its output
 * projection with residual LayerNorm, then the feed-forward block (intermediate + GELU, output, residual
 * LayerNorm). Linear weights are stored (in, out) row-major, the layout the matmul kernels stream.
 */
public record BertLayer(
        float[] qkvWeight,                    // (hidden, 3 * hidden): query | key | value
        float[] qkvBias,                      // (3 * hidden)
        float[] attentionOutputWeight,        // (hidden, hidden)
        float[] attentionOutputBias,          // (hidden)
        float[] attentionLayerNormWeight,     // (hidden)
        float[] attentionLayerNormBias,       // (hidden)
        float[] intermediateWeight,           // (hidden, intermediate)
        float[] intermediateBias,             // (intermediate)
        float[] outputWeight,                 // (intermediate, hidden)
        float[] outputBias,                   // (hidden)
        float[] outputLayerNormWeight,        // (hidden)
        float[] outputLayerNormBias) {        // (hidden)

    static BertLayer load(WeightMap w, int index, int hidden, int intermediate) {
        String p = "encoder.layer." + index + ".";
        float[] q = w.linearInOut(p + "attention.self.query.weight", hidden, hidden);
        float[] k = w.linearInOut(p + "attention.self.key.weight", hidden, hidden);
        float[] v = w.linearInOut(p + "attention.self.value.weight", hidden, hidden);
        float[] qkv = new float[hidden * 3 * hidden];
        for (int row = 0; row < hidden; row++) {
            System.arraycopy(q, row * hidden, qkv, row * 3 * hidden, hidden);
            System.arraycopy(k, row * hidden, qkv, row * 3 * hidden + hidden, hidden);
            System.arraycopy(v, row * hidden, qkv, row * 3 * hidden + 2 * hidden, hidden);
        }
        float[] qkvBias = new float[3 * hidden];
        System.arraycopy(w.vector(p + "attention.self.query.bias", hidden), 0, qkvBias, 0, hidden);
        System.arraycopy(w.vector(p + "attention.self.key.bias", hidden), 0, qkvBias, hidden, hidden);
        System.arraycopy(w.vector(p + "attention.self.value.bias", hidden), 0, qkvBias, 2 * hidden, hidden);
        return new BertLayer(qkv, qkvBias,
                w.linearInOut(p + "attention.output.dense.weight", hidden, hidden),
                w.vector(p + "attention.output.dense.bias", hidden),
                w.vector(p + "attention.output.LayerNorm.weight", hidden),
                w.vector(p + "attention.output.LayerNorm.bias", hidden),
                w.linearInOut(p + "intermediate.dense.weight", hidden, intermediate),
                w.vector(p + "intermediate.dense.bias", intermediate),
                w.linearInOut(p + "output.dense.weight", intermediate, hidden),
                w.vector(p + "output.dense.bias", hidden),
                w.vector(p + "output.LayerNorm.weight", hidden),
                w.vector(p + "output.LayerNorm.bias", hidden));
    }
}

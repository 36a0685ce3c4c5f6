package dev.gale.encoder.cpu;

import dev.gale.encoder.EncoderBackend;
import dev.gale.encoder.Pooling;
import dev.gale.encoder.PoolingConfig;
import dev.gale.encoder.TokenBatch;
import dev.gale.encoder.bert.BertEmbeddings;
import dev.gale.encoder.bert.BertLayer;
import dev.gale.encoder.bert.BertModel;
import dev.gale.encoder.model.BertConfig;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The pure-Java CPU backend: the BERT forward pass over a padding-free batch, on all cores.
 * <pre>
 *   T tokens in the batch   H hidden   I intermediate   N heads   D head size = H / N
 *
 *   x (T,H) = LayerNorm(word[id] + position[p] + type[tt])
 *   per layer:
 *     qkv (T,3H) = x Wqkv + bqkv
 *     ctx (T,H)  = softmax(Q K^T / sqrt D) V        per (sequence, head), no padding
 *     a   (T,H)  = LayerNorm(ctx Wo + bo + x)
 *     f   (T,I)  = gelu(a Wi + bi)
 *     x   (T,H)  = LayerNorm(f Wout + bout + a)
 * </pre>
 * Thread-safe: each call takes a workspace of activation buffers that no other call uses at the same
 * time; workspaces are kept for later batches, so steady-state batches allocate no activations.
 */
public final class CpuEncoder implements EncoderBackend {
    private final BertModel model;
    private final BertConfig config;
    /** Per layer, its four weight matrices packed for {@link MatMul} (qkv, attention out, FFN in, FFN out). */
    private final List<MatMul.Packed[]> packed = new ArrayList<>();
    private final Workers workers;
    private final ConcurrentLinkedQueue<Workspace> workspaces = new ConcurrentLinkedQueue<>();
    /** Per worker thread, sized for the longest sequence the model accepts. */
    private final ThreadLocal<Attention.Scratch> attentionScratch;

    public CpuEncoder(BertModel model, int threads) {
        this.model = model;
        this.config = model.config();
        this.workers = new Workers(threads);
        int hidden = config.hiddenSize();
        int inter = config.intermediateSize();
        for (BertLayer layer : model.layers()) {
            packed.add(new MatMul.Packed[]{
                    MatMul.pack(layer.qkvWeight(), hidden, 3 * hidden),
                    MatMul.pack(layer.attentionOutputWeight(), hidden, hidden),
                    MatMul.pack(layer.intermediateWeight(), hidden, inter),
                    MatMul.pack(layer.outputWeight(), inter, hidden)});
        }
        this.attentionScratch = ThreadLocal.withInitial(() -> new Attention.Scratch(config.headSize(), config.maxPositionEmbeddings()));
    }

    @Override
    public float[] hiddenStates(TokenBatch batch) {
        checkLengths(batch);
        int tokens = batch.tokenCount();
        int hidden = config.hiddenSize();
        Workspace w = takeWorkspace(tokens);
        try {
            float[] states = forward(batch, w);
            return Arrays.copyOf(states, tokens * hidden);
        } finally {
            workspaces.offer(w);
        }
    }

    /** Runs the layers in {@code w}; the result is the first (tokens, hidden) of {@code w.x}. */
    private float[] forward(TokenBatch batch, Workspace w) {
        int tokens = batch.tokenCount();
        int hidden = config.hiddenSize();
        float[] x = w.x, a = w.a, ctx = w.ctx, qkv = w.qkv, f = w.f;
        Arrays.fill(x, 0, tokens * hidden, 0f);

        embeddings(batch, x);
        int[] longestFirst = longestFirst(batch);
        for (int l = 0; l < model.layers().size(); l++) {
            BertLayer layer = model.layers().get(l);
            MatMul.Packed[] weights = packed.get(l);
            workers.forRows(tokens, (r0, r1) -> MatMul.matmul(x, weights[0], layer.qkvBias(), qkv, r0, r1, false));
            selfAttention(batch, longestFirst, qkv, ctx);
            workers.forRows(tokens, (r0, r1) -> {
                MatMul.matmul(ctx, weights[1], layer.attentionOutputBias(), a, r0, r1, false);
                Norms.addLayerNorm(a, x, layer.attentionLayerNormWeight(), layer.attentionLayerNormBias(), config.layerNormEps(), hidden, r0, r1);
                MatMul.matmul(a, weights[2], layer.intermediateBias(), f, r0, r1, true);
                MatMul.matmul(f, weights[3], layer.outputBias(), x, r0, r1, false);
                Norms.addLayerNorm(x, a, layer.outputLayerNormWeight(), layer.outputLayerNormBias(), config.layerNormEps(), hidden, r0, r1);
            });
        }
        return x;
    }

    @Override
    public void embed(TokenBatch batch, PoolingConfig pooling, MemorySegment out) {
        int hidden = config.hiddenSize();
        long needed = (long) batch.sequenceCount() * pooling.outputSize(hidden) * Float.BYTES;
        if (out.byteSize() < needed) {
            throw new IllegalArgumentException("output holds " + out.byteSize() + " bytes, the batch needs " + needed);
        }
        checkLengths(batch);
        Workspace w = takeWorkspace(batch.tokenCount());
        try {
            float[] states = forward(batch, w);
            for (int s = 0; s < batch.sequenceCount(); s++) {
                Pooling.pool(states, hidden, batch.start(s), batch.length(s), pooling, out, s, w.pooled);
            }
        } finally {
            workspaces.offer(w);
        }
    }

    private void checkLengths(TokenBatch batch) {
        int maxLength = batch.maxLength();
        if (maxLength > config.maxPositionEmbeddings()) {
            throw new IllegalArgumentException("a sequence has " + maxLength + " tokens, more than the model's "
                    + config.maxPositionEmbeddings() + " positions; truncate it first");
        }
    }

    /** A free workspace that holds {@code tokens} rows, grown if needed; buffers are reused across batches. */
    private Workspace takeWorkspace(int tokens) {
        Workspace w = workspaces.poll();
        if (w == null || w.capacity < tokens) {
            w = new Workspace(Math.max(tokens, w == null ? 0 : w.capacity), config);
        }
        return w;
    }

    /** Activation buffers for up to {@code capacity} tokens. */
    private static final class Workspace {
        final int capacity;
        final float[] x, a, ctx;   // (capacity, H)
        final float[] qkv;         // (capacity, 3H)
        final float[] f;           // (capacity, I)
        final float[] pooled;      // (H)

        Workspace(int capacity, BertConfig config) {
            int hidden = config.hiddenSize();
            this.capacity = capacity;
            x = new float[capacity * hidden];
            a = new float[capacity * hidden];
            ctx = new float[capacity * hidden];
            qkv = new float[capacity * 3 * hidden];
            f = new float[capacity * config.intermediateSize()];
            pooled = new float[hidden];
        }
    }

    private void embeddings(TokenBatch batch, float[] x) {
        BertEmbeddings e = model.embeddings();
        int hidden = config.hiddenSize();
        for (int s = 0; s < batch.sequenceCount(); s++) {
            int start = batch.start(s);
            for (int p = 0; p < batch.length(s); p++) {
                int row = start + p;
                int id = batch.id(row);
                int type = batch.typeId(row);
                if (id < 0 || id >= config.vocabSize()) {
                    throw new IllegalArgumentException("token id " + id + " at sequence " + s + " is outside the vocabulary of " + config.vocabSize());
                }
                if (type < 0 || type >= config.typeVocabSize()) {
                    throw new IllegalArgumentException("token type id " + type + " at sequence " + s + " is outside [0, " + config.typeVocabSize() + ")");
                }
                e.wordEmbeddings().addRowTo(id, hidden, x, row * hidden);
                e.positionEmbeddings().addRowTo(p, hidden, x, row * hidden);
                e.tokenTypeEmbeddings().addRowTo(type, hidden, x, row * hidden);
            }
        }
        workers.forRows(batch.tokenCount(), (r0, r1) ->
                Norms.addLayerNorm(x, null, e.layerNormWeight(), e.layerNormBias(), config.layerNormEps(), hidden, r0, r1));
    }

    /**
     * One task per (sequence, head), longest sequences first: a task costs about L^2, so on skewed lengths
     * the long ones must start early for the short ones to fill the cores at the end.
     */
    private void selfAttention(TokenBatch batch, int[] longestFirst, float[] qkv, float[] ctx) {
        int heads = config.numAttentionHeads();
        int headSize = config.headSize();
        int hidden = config.hiddenSize();
        workers.forEach(longestFirst.length * heads, task -> {
            int s = longestFirst[task / heads];
            Attention.attend(qkv, ctx, batch.start(s), batch.length(s), hidden, task % heads, headSize, attentionScratch.get());
        });
    }

    /** The batch's sequence indices, longest first. */
    private static int[] longestFirst(TokenBatch batch) {
        int n = batch.sequenceCount();
        long[] keyed = new long[n];
        for (int s = 0; s < n; s++) {
            keyed[s] = ((long) -batch.length(s) << 32) | s;
        }
        Arrays.sort(keyed);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = (int) keyed[i];
        }
        return order;
    }

    @Override
    public void close() {
        workers.close();
    }
}

package dev.gale.encoder.cpu;

import dev.gale.encoder.EncoderBackend;
import dev.gale.encoder.Pooling;
import dev.gale.encoder.PoolingConfig;
import dev.gale.encoder.TokenBatch;
import dev.gale.encoder.nn.Embeddings;
import dev.gale.encoder.nn.Encoder;
import dev.gale.encoder.nn.EncoderLayer;
import dev.gale.encoder.nn.FeedForward;
import dev.gale.encoder.nn.Head;
import dev.gale.encoder.nn.LayerNorm;
import dev.gale.encoder.nn.Linear;
import dev.gale.encoder.nn.PositionBias;
import dev.gale.encoder.nn.SelfAttention;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The pure-Java CPU backend: any {@link Encoder} recipe over a padding-free batch, on all cores.
 * <pre>
 *   T tokens in the batch   H hidden   W attention width (N heads * D head size)   I intermediate
 *
 *   x (T,H) = embeddings (word + position + type, norm, projection, in the family's order)
 *   per layer, post-norm (BERT):                    pre-norm (ModernBERT):
 *     qkv (T,3W) = x Wqkv + b  (RoPE on Q, K)          qkv = norm(x) Wqkv          (RoPE on Q, K)
 *     ctx (T,W)  = attention per (sequence, head)      ctx = attention
 *     a   (T,H)  = norm(ctx Wo + bo + x)               a   = x + ctx Wo
 *     f   (T,I)  = act(a Wi + bi)  (or gated)          f   = act(norm(a) Wi)  (or gated)
 *     x   (T,H)  = norm(f Wout + bout + a)             x   = a + f Wout
 *   final norm, if the family has one
 * </pre>
 * Each weight matrix is packed once, straight from the loaded tensors, for {@link MatMul}; the packed
 * panels are the only copy on the heap. Thread-safe: each call takes a workspace of activation buffers
 * that no other call uses at the same time; workspaces are kept, so steady-state batches allocate no activations.
 */
public final class CpuEncoder implements EncoderBackend {
    private final Encoder model;
    private final int hidden;
    private final List<Layer> layers = new ArrayList<>();
    private final float[] finalNormWeight, finalNormBias;
    private final Embedding embedding;
    private final Workers workers;
    private final CpuHeads heads;
    private final ConcurrentLinkedQueue<Workspace> workspaces = new ConcurrentLinkedQueue<>();
    /** Per worker thread, sized for the longest sequence the model accepts. */
    private final ThreadLocal<Attention.Scratch> attentionScratch;

    /** A layer as the CPU computes it: packed weights, bias vectors, norms as arrays, the position scheme prepared. */
    private record Layer(EncoderLayer spec, MatMul.Packed qkv, float[] qkvBias, MatMul.Packed output, float[] outputBias,
                         Norm attentionNorm, Norm ffnNorm, MatMul.Packed ffnIn, float[] ffnInBias, MatMul.Packed ffnOut,
                         float[] ffnOutBias, PositionBiases.Rope rope, Attention.ScoreBias scoreBias) {}

    private record Norm(float[] weight, float[] bias, float eps) {
        static Norm of(LayerNorm n) {
            return n == null ? null : new Norm(n.weightArray(), n.biasOrZeros(), n.eps());
        }
    }

    private record Embedding(Embeddings spec, Norm norm, MatMul.Packed projection, float[] projectionBias) {}

    public CpuEncoder(Encoder model, int threads) {
        this.model = model;
        this.hidden = model.hiddenSize();
        this.workers = new Workers(threads);
        this.heads = new CpuHeads(workers);
        int maxLength = model.maxLength();
        Embeddings e = model.embeddings();
        embedding = new Embedding(e, Norm.of(e.norm()), e.projection() == null ? null : MatMul.pack(e.projection()),
                e.projection() == null ? null : e.projection().biasOrZeros());
        int maxHeadSize = 1;
        for (EncoderLayer l : model.layers()) {
            SelfAttention at = l.attention();
            maxHeadSize = Math.max(maxHeadSize, at.headSize());
            PositionBiases.Rope rope = at.bias() instanceof PositionBias.Rope r ? new PositionBiases.Rope(r, at.headSize(), maxLength) : null;
            Attention.ScoreBias scoreBias = switch (at.bias()) {
                case PositionBias.RelativeBuckets b -> new PositionBiases.RelativeBuckets(b, at.heads(), maxLength);
                case PositionBias.Disentangled d -> new PositionBiases.Disentangled(d, at.heads(), at.headSize(), at.scale(), maxLength);
                default -> null;
            };
            FeedForward ffn = l.ffn();
            layers.add(new Layer(l, MatMul.pack(at.qkv()), at.qkv().biasOrZeros(), MatMul.pack(at.output()), at.output().biasOrZeros(),
                    Norm.of(l.attentionNorm()), Norm.of(l.ffnNorm()), MatMul.pack(ffn.in()), ffn.in().biasOrZeros(),
                    MatMul.pack(ffn.out()), ffn.out().biasOrZeros(), rope, scoreBias));
        }
        finalNormWeight = model.finalNorm() == null ? null : model.finalNorm().weightArray();
        finalNormBias = model.finalNorm() == null ? null : model.finalNorm().biasOrZeros();
        int headSize = maxHeadSize;
        this.attentionScratch = ThreadLocal.withInitial(() -> new Attention.Scratch(headSize, maxLength));
    }

    @Override
    public float[] hiddenStates(TokenBatch batch) {
        checkLengths(batch);
        int tokens = batch.tokenCount();
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
        float[] x = w.x, a = w.a, n = w.n, ctx = w.ctx, qkv = w.qkv, f = w.f, g = w.g;
        int[] position = w.position;
        for (int s = 0; s < batch.sequenceCount(); s++) {
            for (int p = 0, start = batch.start(s); p < batch.length(s); p++) {
                position[start + p] = p;
            }
        }
        embeddings(batch, w);
        int[] longestFirst = longestFirst(batch);
        boolean preNorm = model.residual() == Encoder.Residual.PRE_NORM;
        for (Layer layer : layers) {
            SelfAttention at = layer.spec().attention();
            int width3 = 3 * at.width();
            workers.forRows(tokens, (r0, r1) -> {
                float[] in = x;
                if (preNorm && layer.attentionNorm() != null) {
                    System.arraycopy(x, r0 * hidden, n, r0 * hidden, (r1 - r0) * hidden);
                    layerNorm(n, null, layer.attentionNorm(), r0, r1);
                    in = n;
                }
                MatMul.matmul(in, layer.qkv(), layer.qkvBias(), qkv, r0, r1, null);
                if (layer.rope() != null) {
                    for (int r = r0; r < r1; r++) {
                        layer.rope().apply(qkv, r * width3, at.heads(), position[r]);
                    }
                }
            });
            selfAttention(batch, longestFirst, layer, qkv, ctx);
            FeedForward ffn = layer.spec().ffn();
            int inter = ffn.intermediateSize();
            workers.forRows(tokens, (r0, r1) -> {
                MatMul.matmul(ctx, layer.output(), layer.outputBias(), a, r0, r1, null);
                float[] ffnInput;
                if (preNorm) {
                    Norms.add(a, x, hidden, r0, r1);
                    System.arraycopy(a, r0 * hidden, n, r0 * hidden, (r1 - r0) * hidden);
                    layerNorm(n, null, layer.ffnNorm(), r0, r1);
                    ffnInput = n;
                } else {
                    layerNorm(a, x, layer.attentionNorm(), r0, r1);
                    ffnInput = a;
                }
                float[] down;
                if (ffn.gated()) {
                    MatMul.matmul(ffnInput, layer.ffnIn(), layer.ffnInBias(), f, r0, r1, null);
                    Activations.gate(ffn.activation(), f, g, inter, r0, r1);
                    down = g;
                } else {
                    MatMul.matmul(ffnInput, layer.ffnIn(), layer.ffnInBias(), f, r0, r1, ffn.activation());
                    down = f;
                }
                MatMul.matmul(down, layer.ffnOut(), layer.ffnOutBias(), x, r0, r1, null);
                if (preNorm) {
                    Norms.add(x, a, hidden, r0, r1);
                } else {
                    layerNorm(x, a, layer.ffnNorm(), r0, r1);
                }
            });
        }
        if (finalNormWeight != null) {
            float eps = model.finalNorm().eps();
            workers.forRows(tokens, (r0, r1) -> Norms.addLayerNorm(x, null, finalNormWeight, finalNormBias, eps, hidden, r0, r1));
        }
        return x;
    }

    /** x = norm(x + residual) over rows [r0, r1) (residual may be null). */
    private void layerNorm(float[] x, float[] residual, Norm norm, int r0, int r1) {
        Norms.addLayerNorm(x, residual, norm.weight(), norm.bias(), norm.eps(), hidden, r0, r1);
    }

    @Override
    public void embed(TokenBatch batch, PoolingConfig pooling, MemorySegment out) {
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

    @Override
    public void head(TokenBatch batch, Head head, int[] selected, MemorySegment out) {
        checkLengths(batch);
        Workspace w = takeWorkspace(batch.tokenCount());
        try {
            heads.run(forward(batch, w), hidden, batch, head, selected, out);
        } finally {
            workspaces.offer(w);
        }
    }

    private void checkLengths(TokenBatch batch) {
        int maxLength = batch.maxLength();
        if (maxLength > model.maxLength()) {
            throw new IllegalArgumentException("a sequence has " + maxLength + " tokens, more than the model's "
                    + model.maxLength() + " positions; truncate it first");
        }
    }

    /** A free workspace that holds {@code tokens} rows, grown if needed; buffers are reused across batches. */
    private Workspace takeWorkspace(int tokens) {
        Workspace w = workspaces.poll();
        if (w == null || w.capacity < tokens) {
            w = new Workspace(Math.max(tokens, w == null ? 0 : w.capacity), model);
        }
        return w;
    }

    /** Activation buffers for up to {@code capacity} tokens. */
    private static final class Workspace {
        final int capacity;
        final float[] x, a, n;     // (capacity, H)
        final float[] e;           // (capacity, E) embeddings before their projection, or empty
        final float[] ctx;         // (capacity, W)
        final float[] qkv;         // (capacity, 3W)
        final float[] f;           // (capacity, I or 2I)
        final float[] g;           // (capacity, I) the gated product
        final float[] pooled;      // (H)
        final int[] position;      // (capacity) each token's index in its sequence

        Workspace(int capacity, Encoder model) {
            int hidden = model.hiddenSize();
            this.capacity = capacity;
            x = new float[capacity * hidden];
            a = new float[capacity * hidden];
            n = model.residual() == Encoder.Residual.PRE_NORM ? new float[capacity * hidden] : new float[0];
            e = model.embeddings().projection() != null ? new float[capacity * model.embeddings().size()] : new float[0];
            int width = model.maxAttentionWidth();
            ctx = new float[capacity * width];
            qkv = new float[capacity * 3 * width];
            f = new float[capacity * model.maxFfnWidth()];
            boolean gated = model.layers().stream().anyMatch(l -> l.ffn().gated());
            g = gated ? new float[capacity * model.maxFfnWidth() / 2] : new float[0];
            pooled = new float[hidden];
            position = new int[capacity];
        }
    }

    private void embeddings(TokenBatch batch, Workspace w) {
        Embeddings e = model.embeddings();
        int size = e.size();
        boolean projected = embedding.projection() != null;
        float[] sum = projected ? w.e : w.x;
        int tokens = batch.tokenCount();
        Arrays.fill(sum, 0, tokens * size, 0f);
        int vocab = e.vocabSize();
        int types = e.typeVocabSize();
        int padding = e.positionIds() instanceof Embeddings.PositionIds.AfterPadding p ? p.paddingIdx() : -1;
        for (int s = 0; s < batch.sequenceCount(); s++) {
            int start = batch.start(s);
            int nonPad = 0;
            for (int p = 0; p < batch.length(s); p++) {
                int row = start + p;
                int id = batch.id(row);
                if (id < 0 || id >= vocab) {
                    throw new IllegalArgumentException("token id " + id + " at sequence " + s + " is outside the vocabulary of " + vocab);
                }
                e.word().addRowTo(id, size, sum, row * size);
                if (e.position() != null) {
                    int positionId = p;
                    if (padding >= 0) {
                        // RoBERTa's create_position_ids_from_input_ids: padding_idx + cumulative count of non-pad tokens
                        positionId = id == padding ? padding : padding + ++nonPad;
                    }
                    e.position().addRowTo(positionId, size, sum, row * size);
                }
                if (e.tokenType() != null) {
                    // a single-type model adds row 0 whatever the tokenizer says, as transformers does when the
                    // tokenizer's type ids are not passed (a pair's type 1 would index past a 1-row table)
                    int type = types == 1 ? 0 : batch.typeId(row);
                    if (type < 0 || type >= types) {
                        throw new IllegalArgumentException("token type id " + type + " at sequence " + s + " is outside [0, " + types + ")");
                    }
                    e.tokenType().addRowTo(type, size, sum, row * size);
                }
            }
        }
        Norm norm = embedding.norm();
        workers.forRows(tokens, (r0, r1) -> {
            if (projected && e.projectFirst()) {
                MatMul.matmul(sum, embedding.projection(), embedding.projectionBias(), w.x, r0, r1, null);
                layerNorm(w.x, null, norm, r0, r1);
            } else if (projected) {
                if (norm != null) {
                    Norms.addLayerNorm(sum, null, norm.weight(), norm.bias(), norm.eps(), size, r0, r1);
                }
                MatMul.matmul(sum, embedding.projection(), embedding.projectionBias(), w.x, r0, r1, null);
            } else if (norm != null) {
                layerNorm(w.x, null, norm, r0, r1);
            }
        });
    }

    /**
     * One task per (sequence, head), longest sequences first: a task costs about L^2, so on skewed lengths
     * the long ones must start early for the short ones to fill the cores at the end.
     */
    private void selfAttention(TokenBatch batch, int[] longestFirst, Layer layer, float[] qkv, float[] ctx) {
        SelfAttention at = layer.spec().attention();
        int heads = at.heads();
        workers.forEach(longestFirst.length * heads, task -> {
            int s = longestFirst[task / heads];
            Attention.attend(qkv, ctx, batch.start(s), batch.length(s), at.width(), task % heads, at.headSize(), at.scale(),
                    layer.scoreBias(), at.window(), attentionScratch.get());
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

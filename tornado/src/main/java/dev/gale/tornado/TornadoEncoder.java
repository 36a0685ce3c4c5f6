package dev.gale.tornado;

import dev.gale.encoder.DeviceTime;
import dev.gale.encoder.EncoderBackend;
import dev.gale.encoder.PoolingConfig;
import dev.gale.encoder.TokenBatch;
import dev.gale.encoder.TokenMemory;
import dev.gale.encoder.cpu.PositionBiases;
import dev.gale.encoder.nn.Activation;
import dev.gale.encoder.nn.Head;
import dev.gale.encoder.nn.Embeddings;
import dev.gale.encoder.nn.Encoder;
import dev.gale.encoder.nn.EncoderLayer;
import dev.gale.encoder.nn.LayerNorm;
import dev.gale.encoder.nn.Linear;
import dev.gale.encoder.nn.PositionBias;
import dev.gale.encoder.nn.SelfAttention;
import uk.ac.manchester.tornado.api.DataRange;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.ImmutableTaskGraph;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.TornadoExecutionResult;
import uk.ac.manchester.tornado.api.TornadoProfilerResult;
import uk.ac.manchester.tornado.api.WorkerGrid1D;
import uk.ac.manchester.tornado.api.common.TornadoDevice;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.enums.ProfilerMode;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The whole encoder on a TornadoVM device, any recipe the CPU backend runs, built once per model, batch
 * capacity and pooling (or task head): weights go to the device on the first run only, activations stay there
 * between layers, and only the pooled vectors, a head's output rows (or, for {@link #hiddenStates}, the last
 * hidden states) come back.
 * <pre>
 *   input graph k (one per {@link InputSlot}): ids, offsets of slot k -> device copy
 *   encoder graph: index (per-token sequence start, length and position id, from the offsets)
 *     -> embed (word + position + type) -> norm and projection E -> H in the family's order
 *     -> per layer, post-norm (BERT):               pre-norm (ModernBERT):
 *          qkv = x·Wqkv (RoPE on Q, K)                 n = LN(x) (not in layer 0); qkv = n·Wqkv (RoPE)
 *          ctx = attention (per sequence, bias)        ctx = attention
 *          a = LN(ctx·Wo + x)                          a = ctx·Wo + x;  n = LN(a)
 *          f = act(a·Wi) or gate(a·Wi)                 f = act(n·Wi) or gate(n·Wi)
 *          x = LN(f·Wout + a)                          x = f·Wout + a
 *     -> final norm (if any) -> pool (CLS / mean / max, Matryoshka, normalize) -> host: pooled (S, D)
 *                           or head: gather R rows (first token / mean per sequence, named rows, or x itself)
 *                             -> per step: y = act(y·W + b) or LN(y) -> host: R output rows (R, O)
 *                             SPLADE: the steps but the last over every token, then the last Linear fused with
 *                             SpladePooling -> host: (S, V)
 *   T tokens (at most the capacity), S sequences, E embedding size, H hidden, W attention width (NH heads * D),
 *   I intermediate (2I out of Wi when gated)
 * </pre>
 * The position schemes are prepared on the host once per layer by the CPU backend's {@link PositionBiases}
 * (RoPE's cos / sin tables, MPNet's bias by distance, DeBERTa's projected relative embeddings and index)
 * and applied on the device by {@link AttentionKernels}.
 * A TaskGraph is bound to the host arrays it was built with, so the batch has to arrive in memory the
 * graph knows: the {@link InputSlot}s. The Arrow pipeline tokenizes straight into a free slot (its
 * {@code List<Int32>} vector lies over the slot's memory), and the slot's input graph transfers those
 * bytes to the device, so the ids take no host-side copy; the encoder graph then takes them from
 * whichever input graph ran last ({@code consumeFromDevice}). A batch from anywhere else (the Java
 * API's {@code List<String>} calls) is copied into the staging slot first.
 * Scalars are baked into TornadoVM's kernels when they compile, so the per-batch counts travel in
 * {@code size} and the work-group grids are resized before each run.
 */
final class TornadoEncoder implements EncoderBackend {
    /** Slots the Arrow pipeline can fill ahead of the device (tokenizing batch n + 1 while n runs). */
    static final int PIPELINE_SLOTS = 3;
    /** Sequences per pipeline slot: the pipeline's default rows per batch. */
    static final int SLOT_SEQUENCES = 512;
    /**
     * Floats in each of a head's device buffers, at most: a run takes no more head rows than fit (128 MiB a buffer).
     * Fill-mask's (named rows, vocabulary) logits at BERT's vocabulary of 30522 are then 1099 rows a run, SPLADE's
     * (sequences, vocabulary) output 1099 sequences a run; the (tokens, vocabulary) logits are never held.
     */
    static final long HEAD_FLOATS = 1L << 25;

    private final Encoder model;
    private final int hidden, embeddingSize;
    private final boolean modelHasTypes;
    private final TornadoDevice device;
    private final int capacity;        // tokens per run
    private final int maxSequenceLength;
    private final int maxKeys;         // the longest sequence a run can hold
    private final long headFloats;     // HEAD_FLOATS, or less in tests that make runs short

    // weights, sent once
    private final FloatArray word, position, tokenType;   // (V, E), (P, E) or a stand-in, (types, E) or one zero row
    private final DeviceNorm embeddingNorm, finalNorm;   // null where the model has none
    private final DeviceLinear projection;               // E -> H, or null
    private final List<DeviceLayer> layers = new ArrayList<>();
    private final FloatArray none = new FloatArray(1);   // the stand-in for an array a kernel does not read
    private final IntArray noIndex = new IntArray(1);

    // inputs: the slots on the host, their device copy, per-run counts and types
    private final List<InputSlot> slots = new ArrayList<>();   // pipeline slots, then the staging slot
    private final InputSlot staging;
    private final BlockingQueue<InputSlot> free = new ArrayBlockingQueue<>(PIPELINE_SLOTS);
    private final IntArray ids, offsets;
    private final IntArray size = new IntArray(5);
    private final IntArray headRows = new IntArray(1);   // {R}: a head's input rows in this run, what its matmuls read as M
    private final IntArray types, tokenStart, tokenLength, positionIds, seqStart, seqLength;
    // activations, on the device
    private final FloatArray x, a, n, e;   // (T, H); n only pre-norm, e (T, E) only projected
    private final FloatArray context;      // (T, W)
    private final FloatArray qkv;          // (T, 3W)
    private final FloatArray f, g;         // (T, I or 2I); g (T, I) only gated
    private final FloatArray scores;       // (T, NH, maxKeys)
    private final KernelContext kernelContext = new KernelContext();

    private final Map<PoolingConfig, Plan> plans = new HashMap<>();
    private final Map<Head, HeadPlan> headPlans = new IdentityHashMap<>();
    private final Map<Head.Step, DeviceStep> headSteps = new IdentityHashMap<>();   // each step's weights laid out once
    private Plan statesPlan;
    private long transferNanos, kernelNanos;
    private long profiledBytesToHost;   // what the plans' runs copied back, as TornadoVM's profiler counted it
    private long onDemandBytesToHost;   // what the head plans' on-demand copies brought back
    private int statesRuns, headRuns;

    /** A LayerNorm as the norm kernels read it: weight and bias (zeros when it has none), (H). */
    private record DeviceNorm(FloatArray weight, FloatArray bias, float eps) {
        static DeviceNorm of(LayerNorm norm) {
            return norm == null ? null : new DeviceNorm(FloatArray.fromArray(norm.weightArray()), FloatArray.fromArray(norm.biasOrZeros()),
                    norm.eps());
        }
    }

    /** A Linear as {@link MatMulKernels#matmul} reads it: weight (in, out), bias (out), zeros when it has none. */
    private record DeviceLinear(FloatArray weight, FloatArray bias, int in, int out) {
        static DeviceLinear of(Linear linear) {
            return new DeviceLinear(FloatArray.fromArray(linear.weightInOut()), FloatArray.fromArray(linear.biasOrZeros()), linear.in(),
                    linear.out());
        }
    }

    /**
     * A layer's weights and its position scheme, prepared for the device.
     *
     * @param cos        RoPE's cos table (P, D/2), or null; sin likewise
     * @param biasMode   the {@link AttentionKernels} bits of the score bias
     * @param byDistance MPNet's (NH, 2P - 1), or null
     * @param posKey     DeBERTa's projected relative embeddings (2 span, W) for c2p, or null; posQuery likewise for p2c
     * @param relIndex   DeBERTa's r(i - j), (2P - 1), or null
     */
    private record DeviceLayer(EncoderLayer spec, DeviceNorm attentionNorm, DeviceLinear qkv, DeviceLinear output, DeviceNorm ffnNorm,
                               DeviceLinear ffnIn, DeviceLinear ffnOut, FloatArray cos, FloatArray sin, int biasMode,
                               FloatArray byDistance, FloatArray posKey, FloatArray posQuery, IntArray relIndex) {}

    /**
     * A compiled plan (input graphs, then the encoder graph) and the grids that are resized per batch; {@code out} is
     * what comes back: the pooled vectors, a head's output, or the last hidden states.
     */
    private record Plan(TornadoExecutionPlan execution, FloatArray out, List<MatMulGrid> matmulGrids, List<Sized> grids) {}

    /**
     * A head's plan: the encoder then the head; of its output buffer only the rows a run fills come back.
     *
     * @param rowCapacity      head input rows a run holds (gathered rows, tokens, or named rows)
     * @param sequenceCapacity sequences a run holds: rowCapacity for a FIRST or MEAN head, SPLADE's output rows, or the capacity
     * @param selected         the named rows of a run, run-local token indices (rowCapacity), for a SELECTED head
     */
    private record HeadPlan(Head head, Plan plan, int rowCapacity, int sequenceCapacity, IntArray selected) {}

    /** A head step as the device runs it: a Linear and its activation code, or a LayerNorm; {@code width} output features. */
    private record DeviceStep(DeviceLinear linear, int activation, DeviceNorm norm, int width) {
        static DeviceStep of(Head.Step step) {
            return switch (step) {
                case Head.Step.Dense d -> new DeviceStep(DeviceLinear.of(d.linear()), d.activation() == null ? MatMulKernels.NONE
                        : code(d.activation()), null, d.outputSize());
                case Head.Step.Norm nm -> new DeviceStep(null, MatMulKernels.NONE, DeviceNorm.of(nm.norm()), nm.outputSize());
            };
        }
    }

    /** The grid of a matmul task with {@code columns} outputs, over the tokens or over the head's rows. */
    private record MatMulGrid(WorkerGrid1D grid, int columns, boolean headRows) {}

    /** A grid of {@code perToken} work-items per token plus {@code perSequence} per sequence plus {@code perHeadRow} per head row. */
    private record Sized(WorkerGrid1D grid, int perToken, int perSequence, int perHeadRow) {}

    TornadoEncoder(Encoder model, TornadoDevice device, int capacity) {
        this(model, device, capacity, HEAD_FLOATS);
    }

    /** With {@code headFloats} floats at most in each head buffer (tests make it small, so that a batch takes several runs). */
    TornadoEncoder(Encoder model, TornadoDevice device, int capacity, long headFloats) {
        this.model = model;
        this.headFloats = headFloats;
        this.hidden = model.hiddenSize();
        this.device = device;
        this.capacity = capacity;
        this.maxSequenceLength = model.maxLength();
        this.maxKeys = Math.min(capacity, maxSequenceLength);
        Embeddings emb = model.embeddings();
        embeddingSize = emb.size();
        word = FloatArray.fromArray(emb.word().toFloatArray());
        position = emb.position() != null ? FloatArray.fromArray(emb.position().toFloatArray()) : none;
        modelHasTypes = emb.typeVocabSize() > 1;   // with one type (or none) the kernel adds row 0 to every token
        tokenType = FloatArray.fromArray(emb.tokenType() != null ? emb.tokenType().toFloatArray() : new float[embeddingSize]);
        embeddingNorm = DeviceNorm.of(emb.norm());
        projection = emb.projection() != null ? DeviceLinear.of(emb.projection()) : null;
        finalNorm = DeviceNorm.of(model.finalNorm());
        int maxHeads = 1;
        for (EncoderLayer l : model.layers()) {
            layers.add(deviceLayer(l));
            maxHeads = Math.max(maxHeads, l.attention().heads());
        }
        // the slots' memory lives as long as a slot is reachable (an Arrow buffer over it holds one)
        Arena arena = Arena.ofAuto();
        long slotTokens = (long) SLOT_SEQUENCES * maxSequenceLength;
        for (int k = 0; k < PIPELINE_SLOTS; k++) {
            InputSlot slot = new InputSlot(k, slotTokens, SLOT_SEQUENCES, arena, free);
            slots.add(slot);
            free.add(slot);
        }
        staging = new InputSlot(PIPELINE_SLOTS, capacity, capacity, arena, null);
        slots.add(staging);
        ids = new IntArray((int) Math.max(slotTokens, capacity));
        offsets = new IntArray(Math.max(SLOT_SEQUENCES, capacity) + 1);
        types = new IntArray(capacity);
        tokenStart = new IntArray(capacity);
        tokenLength = new IntArray(capacity);
        positionIds = new IntArray(capacity);
        seqStart = new IntArray(capacity);
        seqLength = new IntArray(capacity);
        boolean preNorm = model.residual() == Encoder.Residual.PRE_NORM;
        boolean gated = model.layers().stream().anyMatch(l -> l.ffn().gated());
        x = new FloatArray(capacity * hidden);
        a = new FloatArray(capacity * hidden);
        n = preNorm ? new FloatArray(capacity * hidden) : none;
        e = projection != null ? new FloatArray(capacity * embeddingSize) : none;
        context = new FloatArray(capacity * model.maxAttentionWidth());
        qkv = new FloatArray(capacity * 3 * model.maxAttentionWidth());
        f = new FloatArray(capacity * model.maxFfnWidth());
        g = gated ? new FloatArray(capacity * model.maxFfnWidth() / 2) : none;
        scores = new FloatArray(capacity * maxHeads * maxKeys);
    }

    /** The layer's weights, and its position scheme prepared on the host as the CPU backend prepares it. */
    private DeviceLayer deviceLayer(EncoderLayer l) {
        SelfAttention at = l.attention();
        FloatArray cos = null, sin = null, byDistance = null, posKey = null, posQuery = null;
        IntArray relIndex = null;
        int biasMode = 0;
        switch (at.bias()) {
            case PositionBias.Rope r -> {
                PositionBiases.Rope rope = new PositionBiases.Rope(r, at.headSize(), maxSequenceLength);
                cos = FloatArray.fromArray(rope.cosTable());
                sin = FloatArray.fromArray(rope.sinTable());
            }
            case PositionBias.RelativeBuckets b -> {
                byDistance = FloatArray.fromArray(PositionBiases.RelativeBuckets.byDistance(b, at.heads(), maxSequenceLength));
                biasMode = AttentionKernels.BUCKETS;
            }
            case PositionBias.Disentangled d -> {
                PositionBiases.Disentangled.Projections projected = PositionBiases.Disentangled.projections(d);
                if (projected.keys() != null) {
                    posKey = FloatArray.fromArray(projected.keys());
                    biasMode |= AttentionKernels.C2P;
                }
                if (projected.queries() != null) {
                    posQuery = FloatArray.fromArray(projected.queries());
                    biasMode |= AttentionKernels.P2C;
                }
                relIndex = IntArray.fromArray(PositionBiases.Disentangled.index(d, maxSequenceLength));
            }
            case PositionBias.None ignored -> { }
        }
        return new DeviceLayer(l, DeviceNorm.of(l.attentionNorm()), DeviceLinear.of(at.qkv()), DeviceLinear.of(at.output()),
                DeviceNorm.of(l.ffnNorm()), DeviceLinear.of(l.ffn().in()), DeviceLinear.of(l.ffn().out()), cos, sin, biasMode,
                byDistance, posKey, posQuery, relIndex);
    }

    /** The weights of the model, each once: what the encoder graph sends on its first run. */
    private Object[] weights() {
        Set<Object> all = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Object> ordered = new ArrayList<>();
        Consumer<Object> add = o -> {
            if (o != null && all.add(o)) {
                ordered.add(o);
            }
        };
        Consumer<DeviceNorm> norm = d -> {
            if (d != null) {
                add.accept(d.weight());
                add.accept(d.bias());
            }
        };
        Consumer<DeviceLinear> linear = d -> {
            if (d != null) {
                add.accept(d.weight());
                add.accept(d.bias());
            }
        };
        add.accept(none);
        add.accept(noIndex);
        add.accept(word);
        add.accept(position);
        add.accept(tokenType);
        norm.accept(embeddingNorm);
        linear.accept(projection);
        for (DeviceLayer l : layers) {
            norm.accept(l.attentionNorm());
            linear.accept(l.qkv());
            linear.accept(l.output());
            norm.accept(l.ffnNorm());
            linear.accept(l.ffnIn());
            linear.accept(l.ffnOut());
            for (Object o : new Object[]{l.cos(), l.sin(), l.byDistance(), l.posKey(), l.posQuery(), l.relIndex()}) {
                add.accept(o);
            }
        }
        norm.accept(finalNorm);
        return ordered.toArray();
    }

    /** The {@link MatMulKernels} code of an activation. */
    static int code(Activation activation) {
        return switch (activation) {
            case GELU -> MatMulKernels.GELU;
            case GELU_TANH -> MatMulKernels.GELU_TANH;
            case RELU -> MatMulKernels.RELU;
            case SILU -> MatMulKernels.SILU;
            case TANH -> MatMulKernels.TANH;
        };
    }

    @Override
    public TokenMemory.Pool tokenMemory() {
        return new TokenMemory.Pool() {
            @Override
            public boolean fits(int sequences, long tokens) {
                return sequences <= SLOT_SEQUENCES && tokens <= (long) SLOT_SEQUENCES * maxSequenceLength;
            }

            @Override
            public TokenMemory poll(long timeoutMillis) throws InterruptedException {
                return free.poll(timeoutMillis, TimeUnit.MILLISECONDS);
            }
        };
    }

    private Plan plan(PoolingConfig pooling) {
        return plans.computeIfAbsent(pooling, this::build);
    }

    /** The tasks of one plan as they are added: the input graphs, the encoder graph, its grids and the grids resized per batch. */
    private final class Tasks {
        final List<ImmutableTaskGraph> inputs = new ArrayList<>();
        final TaskGraph graph = new TaskGraph("encoder");
        final GridScheduler scheduler = new GridScheduler();
        final List<MatMulGrid> matmulGrids = new ArrayList<>();
        final List<Sized> grids = new ArrayList<>();

        /** A task with {@code perToken} work-items per token (and {@code perSequence} per sequence), work-groups of {@code local}. */
        void sized(String task, int local, int perToken, int perSequence) {
            sized(task, local, perToken, perSequence, 0);
        }

        /** A task with work-items per token, per sequence and per head row, work-groups of {@code local}. */
        void sized(String task, int local, int perToken, int perSequence, int perHeadRow) {
            grids.add(new Sized(grid(scheduler, "encoder." + task, local), perToken, perSequence, perHeadRow));
        }

        /** out = in · W + b, then the activation of {@code activation}, over the tokens. */
        void matmul(String task, FloatArray in, DeviceLinear w, FloatArray out, int activation) {
            matmul(task, in, w, out, activation, false);
        }

        /** The same over the tokens, or with {@code overHeadRows} over the head's R rows. */
        void matmul(String task, FloatArray in, DeviceLinear w, FloatArray out, int activation, boolean overHeadRows) {
            graph.task(task, MatMulKernels::matmul, kernelContext, in, w.weight(), w.bias(), out, overHeadRows ? headRows : size, w.in(),
                    w.out(), activation);
            matmulGrids.add(new MatMulGrid(grid(scheduler, "encoder." + task, MatMulKernels.TS * MatMulKernels.TS), w.out(), overHeadRows));
        }

        /** x = norm(x + residual), or norm(x) without a residual; {@code width} features per row. */
        void norm(String task, FloatArray x, FloatArray residual, DeviceNorm norm, int width) {
            graph.task(task, NormKernels::addLayerNorm, kernelContext, x, residual == null ? none : residual, norm.weight(), norm.bias(),
                    norm.eps(), width, residual == null ? 0 : 1);
            sized(task, NormKernels.LOCAL, NormKernels.LOCAL, 0);
        }

        /** x = norm(x) over the head's R rows of {@code width} features. */
        void headNorm(String task, FloatArray x, DeviceNorm norm, int width) {
            graph.task(task, NormKernels::addLayerNorm, kernelContext, x, none, norm.weight(), norm.bias(), norm.eps(), width, 0);
            sized(task, NormKernels.LOCAL, 0, 0, NormKernels.LOCAL);
        }

        /** out = norm(x), x unchanged. */
        void normInto(String task, FloatArray x, FloatArray out, DeviceNorm norm) {
            graph.task(task, NormKernels::layerNormInto, kernelContext, x, out, norm.weight(), norm.bias(), norm.eps(), hidden);
            sized(task, NormKernels.LOCAL, NormKernels.LOCAL, 0);
        }

        /** x += residual. */
        void add(String task, FloatArray x, FloatArray residual) {
            graph.task(task, NormKernels::add, kernelContext, x, residual, size, hidden);
            sized(task, EmbeddingKernels.LOCAL, hidden, 0);
        }

        /** The compiled plan: the input graphs, then the encoder graph with what was added to it; {@code out} comes back. */
        Plan plan(FloatArray out) {
            List<ImmutableTaskGraph> all = new ArrayList<>(inputs);
            all.add(graph.snapshot());
            TornadoExecutionPlan execution = new TornadoExecutionPlan(all.toArray(ImmutableTaskGraph[]::new))
                    .withGridScheduler(scheduler).withDevice(device).withProfiler(ProfilerMode.SILENT);
            return new Plan(execution, out, matmulGrids, grids);
        }
    }

    /** The plan that pools with {@code pooling}, or with null the one that brings the last hidden states back. */
    private Plan build(PoolingConfig pooling) {
        int dims = 0;
        int mode = 0;
        if (pooling != null) {
            dims = pooling.outputSize(hidden);
            if (pooling.skipTokens() > 0) {
                throw new IllegalArgumentException("the TornadoVM backend pools whole sequences; a prompt left out of pooling "
                        + "(include_prompt: false) needs --device cpu");
            }
            mode = switch (pooling.mode()) {
                case CLS -> EmbeddingKernels.CLS;
                case MEAN -> EmbeddingKernels.MEAN;
                case MAX -> EmbeddingKernels.MAX;
                default -> throw new IllegalArgumentException("the TornadoVM backend pools cls, mean or max; " + pooling.mode().stName()
                        + " pooling needs --device cpu");
            };
        }
        Tasks tasks = encoder();
        if (pooling == null) {
            tasks.graph.transferToHost(DataTransferMode.EVERY_EXECUTION, x);
            return tasks.plan(x);
        }
        FloatArray pooled = new FloatArray(capacity * dims);
        tasks.sized("pool", EmbeddingKernels.LOCAL, 0, 1);
        tasks.graph.task("pool", EmbeddingKernels::pool, kernelContext, x, pooled, seqStart, seqLength, size, hidden, dims, mode,
                        pooling.normalize() ? 1 : 0)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, pooled);
        return tasks.plan(pooled);
    }

    /**
     * The plan that runs {@code head} after the encoder: its input rows gathered into a buffer (a TOKENS head reads x
     * itself), each step into the next buffer (a LayerNorm in place), SPLADE's last Linear fused with its pooling. The
     * output comes back on demand, only the rows a run fills. Device memory beyond the encoder's: the head's weights,
     * and each buffer at most {@link #headFloats} floats: (R, H) gathered, (R, O) per Linear, SPLADE's (S, V), R and S
     * being the row and sequence capacities this bound gives (at most the token capacity).
     */
    private HeadPlan buildHead(Head head) {
        if (head.inputSize() != hidden) {
            throw new IllegalArgumentException("the head reads " + head.inputSize() + " features, the encoder gives " + hidden);
        }
        boolean splade = head.reduce() != Head.Reduce.NONE;
        List<Head.Step> steps = head.steps();
        if (splade) {
            if (!(steps.getLast() instanceof Head.Step.Dense)) {
                throw new IllegalArgumentException("the TornadoVM backend fuses SPLADE pooling into the head's last Linear; "
                        + "a head that ends in a LayerNorm needs --device cpu");
            }
            steps = steps.subList(0, steps.size() - 1);
        }
        int widest = hidden;
        for (Head.Step s : steps) {
            widest = Math.max(widest, s.outputSize());
        }
        int rowCapacity = (int) Math.min(capacity, Math.max(1, headFloats / widest));
        int sequenceCapacity = switch (head.input()) {
            case FIRST, MEAN -> rowCapacity;
            default -> splade ? (int) Math.min(capacity, Math.max(1, headFloats / head.outputSize())) : capacity;
        };
        IntArray selected = head.input() == Head.Input.SELECTED ? new IntArray(rowCapacity) : noIndex;

        // the head's weights, laid out once (a step two heads share, as fill-mask's and SPLADE's, once) and sent on the first run
        List<DeviceStep> prepared = new ArrayList<>();
        List<Object> weights = new ArrayList<>();
        for (Head.Step s : head.steps()) {
            DeviceStep d = headSteps.computeIfAbsent(s, DeviceStep::of);
            prepared.add(d);
            weights.add(d.linear() != null ? d.linear().weight() : d.norm().weight());
            weights.add(d.linear() != null ? d.linear().bias() : d.norm().bias());
        }

        Tasks tasks = encoder();
        TaskGraph graph = tasks.graph;
        graph.transferToDevice(DataTransferMode.FIRST_EXECUTION, weights.toArray())
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, headRows, selected);
        FloatArray current = x;
        if (head.input() != Head.Input.TOKENS) {
            int mode = switch (head.input()) {
                case FIRST -> HeadKernels.FIRST;
                case MEAN -> HeadKernels.MEAN;
                default -> HeadKernels.SELECTED;
            };
            current = new FloatArray(rowCapacity * hidden);
            graph.task("head_input", HeadKernels::gather, kernelContext, x, current, seqStart, seqLength, selected, headRows, hidden, mode);
            tasks.sized("head_input", EmbeddingKernels.LOCAL, 0, 0, hidden);
        }
        for (int i = 0; i < steps.size(); i++) {
            DeviceStep d = prepared.get(i);
            if (d.linear() != null) {
                FloatArray y = new FloatArray(rowCapacity * d.width());
                tasks.matmul("head_" + i, current, d.linear(), y, d.activation(), true);
                current = y;
            } else {
                tasks.headNorm("head_" + i, current, d.norm(), d.width());
            }
        }
        if (splade) {
            DeviceStep d = prepared.getLast();
            DeviceLinear l = d.linear();
            FloatArray pooled = new FloatArray(sequenceCapacity * l.out());
            int tiles = (l.out() + MatMulKernels.TS - 1) / MatMulKernels.TS;
            graph.task("head_splade", HeadKernels::splade, kernelContext, current, l.weight(), l.bias(), pooled, seqStart, seqLength, size,
                    l.in(), l.out(), d.activation(), head.reduce() == Head.Reduce.SPLADE_SUM ? 1 : 0);
            tasks.sized("head_splade", MatMulKernels.TS * MatMulKernels.TS, 0, tiles * MatMulKernels.TS * MatMulKernels.TS);
            current = pooled;
        }
        graph.transferToHost(DataTransferMode.UNDER_DEMAND, current);
        return new HeadPlan(head, tasks.plan(current), rowCapacity, sequenceCapacity, selected);
    }

    /** A plan's tasks up to the last hidden states in x: the input graphs, the embeddings, the layers, the final norm. */
    private Tasks encoder() {
        Tasks tasks = new Tasks();
        TaskGraph graph = tasks.graph;
        for (InputSlot slot : slots) {
            int slotTokens = slot.deviceIds.getSize();
            int slotSequences = slot.deviceOffsets.getSize() - 1;
            String name = "input" + slot.index;
            tasks.inputs.add(new TaskGraph(name)
                    .transferToDevice(DataTransferMode.EVERY_EXECUTION, slot.deviceIds, slot.deviceOffsets)
                    .task("load", EmbeddingKernels::load, slot.deviceIds, slot.deviceOffsets, ids, offsets, slotTokens, slotSequences,
                            Math.max(slotTokens, slotSequences + 1))
                    .persistOnDevice(ids, offsets)
                    .snapshot());
            graph.consumeFromDevice(name, ids, offsets);
        }
        graph.transferToDevice(DataTransferMode.FIRST_EXECUTION, weights());

        // embeddings: the sum, then the norm and the projection in the family's order
        Embeddings emb = model.embeddings();
        int paddingIdx = emb.positionIds() instanceof Embeddings.PositionIds.AfterPadding p ? p.paddingIdx() : -1;
        FloatArray sum = projection != null ? e : x;
        graph.transferToDevice(DataTransferMode.EVERY_EXECUTION, size, types)
                .task("index", EmbeddingKernels::index, kernelContext, ids, offsets, tokenStart, tokenLength, positionIds, seqStart, seqLength,
                        size, paddingIdx)
                .task("embed", EmbeddingKernels::embed, kernelContext, ids, types, positionIds, word, position, tokenType, sum, size,
                        embeddingSize, emb.position() != null ? 1 : 0);
        tasks.sized("index", EmbeddingKernels.LOCAL, 0, 1);
        tasks.sized("embed", EmbeddingKernels.LOCAL, embeddingSize, 0);
        if (projection == null) {
            if (embeddingNorm != null) {
                tasks.norm("embed_norm", x, null, embeddingNorm, hidden);
            }
        } else if (emb.projectFirst()) {
            tasks.matmul("embed_project", e, projection, x, MatMulKernels.NONE);
            if (embeddingNorm != null) {
                tasks.norm("embed_norm", x, null, embeddingNorm, hidden);
            }
        } else {
            if (embeddingNorm != null) {
                tasks.norm("embed_norm", e, null, embeddingNorm, embeddingSize);
            }
            tasks.matmul("embed_project", e, projection, x, MatMulKernels.NONE);
        }

        boolean preNorm = model.residual() == Encoder.Residual.PRE_NORM;
        for (int i = 0; i < layers.size(); i++) {
            DeviceLayer l = layers.get(i);
            SelfAttention at = l.spec().attention();
            String p = "l" + i + "_";
            FloatArray in = x;
            if (preNorm && l.attentionNorm() != null) {
                tasks.normInto(p + "attention_norm", x, n, l.attentionNorm());
                in = n;
            }
            tasks.matmul(p + "qkv", in, l.qkv(), qkv, MatMulKernels.NONE);
            if (l.cos() != null) {
                graph.task(p + "rope", AttentionKernels::rope, kernelContext, qkv, l.cos(), l.sin(), tokenStart, size, at.heads(), at.headSize());
                tasks.sized(p + "rope", EmbeddingKernels.LOCAL, at.heads(), 0);
            }
            graph.task(p + "attention", AttentionKernels::attention, kernelContext, qkv, context, scores, tokenStart, tokenLength, size,
                    at.heads(), at.headSize(), maxKeys, at.scale(), at.window(), l.biasMode(), orNone(l.byDistance()), orNone(l.posKey()),
                    orNone(l.posQuery()), l.relIndex() != null ? l.relIndex() : noIndex, maxSequenceLength);
            tasks.sized(p + "attention", EmbeddingKernels.LOCAL, at.heads(), 0);
            tasks.matmul(p + "out", context, l.output(), a, MatMulKernels.NONE);
            FloatArray ffnInput;
            if (preNorm) {
                tasks.add(p + "attention_residual", a, x);
                tasks.normInto(p + "ffn_norm", a, n, l.ffnNorm());
                ffnInput = n;
            } else {
                tasks.norm(p + "attention_norm", a, x, l.attentionNorm(), hidden);
                ffnInput = a;
            }
            boolean gated = l.spec().ffn().gated();
            int activation = code(l.spec().ffn().activation());
            tasks.matmul(p + "ffn_in", ffnInput, l.ffnIn(), f, gated ? MatMulKernels.NONE : activation);
            FloatArray down = f;
            if (gated) {
                int inter = l.spec().ffn().intermediateSize();
                graph.task(p + "gate", MatMulKernels::gate, kernelContext, f, g, size, inter, activation);
                tasks.sized(p + "gate", EmbeddingKernels.LOCAL, inter, 0);
                down = g;
            }
            tasks.matmul(p + "ffn_out", down, l.ffnOut(), x, MatMulKernels.NONE);
            if (preNorm) {
                tasks.add(p + "ffn_residual", x, a);
            } else {
                tasks.norm(p + "ffn_norm", x, a, l.ffnNorm(), hidden);
            }
        }
        if (finalNorm != null) {
            tasks.norm("final_norm", x, null, finalNorm, hidden);
        }
        return tasks;
    }

    private FloatArray orNone(FloatArray array) {
        return array != null ? array : none;
    }

    private static WorkerGrid1D grid(GridScheduler scheduler, String task, int local) {
        WorkerGrid1D grid = new WorkerGrid1D(local);
        grid.setLocalWork(local, 1, 1);
        scheduler.addWorkerGrid(task, grid);
        return grid;
    }

    @Override
    public synchronized void embed(TokenBatch batch, PoolingConfig pooling, MemorySegment out) {
        Plan plan = plan(pooling);
        long rowBytes = 4L * pooling.outputSize(hidden);
        forEachRun(batch, capacity, capacity, null, 0, (first, run) -> {
            run(run, plan, 0);
            MemorySegment.copy(plan.out().getSegment(), 0, out, first * rowBytes, run.sequenceCount() * rowBytes);
        });
    }

    /** The last hidden states on the device, copied back: (tokens, H) row-major. */
    @Override
    public synchronized float[] hiddenStates(TokenBatch batch) {
        if (statesPlan == null) {
            statesPlan = build(null);
        }
        float[] states = new float[batch.tokenCount() * hidden];
        forEachRun(batch, capacity, capacity, null, 0, (first, run) -> {
            run(run, statesPlan, 0);
            statesRuns++;
            int at = batch.start(first) - batch.start(0);
            MemorySegment.copy(x.getSegment(), ValueLayout.JAVA_FLOAT, 0, states, at * hidden, run.tokenCount() * hidden);
        });
        return states;
    }

    /**
     * Runs the encoder, then {@code head}, on the device, and brings back only the head's output rows. The head's plan
     * (its weights laid out, its kernels compiled) is made the first time the head runs and kept for that head.
     */
    @Override
    public synchronized void head(TokenBatch batch, Head head, int[] selected, MemorySegment out) {
        HeadPlan hp = headPlans.computeIfAbsent(head, this::buildHead);
        Plan plan = hp.plan();
        int sequences = batch.sequenceCount();
        int tokens = batch.tokenCount();
        int width = head.outputSize();
        boolean named = head.input() == Head.Input.SELECTED;
        if (named && selected == null) {
            throw new IllegalArgumentException("a head over named rows needs the rows");
        }
        int rows = head.outputRows(sequences, tokens, selected == null ? 0 : selected.length);
        long rowBytes = 4L * width;
        if (out.byteSize() < rows * rowBytes) {
            throw new IllegalArgumentException("output holds " + out.byteSize() + " bytes, the head writes " + rows * rowBytes);
        }
        int base = batch.start(0);
        boolean everyToken = head.input() == Head.Input.TOKENS;
        int maxTokens = everyToken ? Math.min(capacity, hp.rowCapacity()) : capacity;
        int[] perSequence = named ? namedPerSequence(batch, selected) : null;
        forEachRun(batch, maxTokens, hp.sequenceCapacity(), perSequence, hp.rowCapacity(), (first, run) -> {
            int from = batch.start(first) - base;   // the run's first token in the batch
            int runTokens = run.tokenCount();
            if (named) {
                // the named rows of this run, in the caller's order, each written to its own output row
                int[] at = new int[hp.rowCapacity()];
                int count = 0;
                for (int k = 0; k < selected.length; k++) {
                    if (selected[k] >= from && selected[k] < from + runTokens) {
                        hp.selected().set(count, selected[k] - from);
                        at[count++] = k;
                    }
                }
                if (count == 0) {
                    return;
                }
                fetch(run, hp, count, count * width);
                for (int j = 0; j < count; j++) {
                    MemorySegment.copy(plan.out().getSegment(), j * rowBytes, out, at[j] * rowBytes, rowBytes);
                }
                return;
            }
            int inputRows = everyToken ? runTokens : run.sequenceCount();
            int outputRows = head.reduce() != Head.Reduce.NONE ? run.sequenceCount() : inputRows;
            fetch(run, hp, inputRows, outputRows * width);
            long at = everyToken && head.reduce() == Head.Reduce.NONE ? from : first;
            MemorySegment.copy(plan.out().getSegment(), 0, out, at * rowBytes, outputRows * rowBytes);
        });
    }

    /** Runs {@code hp}'s plan over {@code run} with R = {@code inputRows} and copies the first {@code floats} of its output back. */
    private void fetch(TokenBatch run, HeadPlan hp, int inputRows, long floats) {
        TornadoExecutionResult result = run(run, hp.plan(), inputRows);
        // an on-demand copy is not in the run's profile: it is counted here, and timed on the host (it returns when done)
        long start = System.nanoTime();
        result.transferToHost(new DataRange(hp.plan().out()).withSize(floats));
        transferNanos += System.nanoTime() - start;
        onDemandBytesToHost += 4 * floats;
        headRuns++;
    }

    /** How many of the named rows (tokens counted from the batch's first) lie in each sequence; each must lie in the batch. */
    private static int[] namedPerSequence(TokenBatch batch, int[] selected) {
        int[] counts = new int[batch.sequenceCount()];
        for (int r : selected) {
            if (r < 0 || r >= batch.tokenCount()) {
                throw new IllegalArgumentException("selected row " + r + " is outside the batch's " + batch.tokenCount() + " tokens");
            }
            counts[sequenceOf(batch, batch.start(0) + r)]++;
        }
        return counts;
    }

    /** The sequence of {@code batch} that holds token {@code token} (counted as the batch's offsets count). */
    private static int sequenceOf(TokenBatch batch, int token) {
        int lo = 0;
        int hi = batch.sequenceCount() - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (batch.start(mid) <= token) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    private interface RunConsumer {
        void accept(int firstSequence, TokenBatch run);
    }

    /**
     * {@code batch} cut into runs of as many sequences as fit: at most {@code maxTokens} tokens and {@code maxSequences}
     * sequences, and with {@code rows} (named rows per sequence, or null) at most {@code maxRows} of them. EmbeddingModel
     * and EncoderTask already cut batches to the token budget, so a batch is usually one run.
     */
    private void forEachRun(TokenBatch batch, int maxTokens, int maxSequences, int[] rows, int maxRows, RunConsumer consumer) {
        int first = 0;
        while (first < batch.sequenceCount()) {
            int end = first;
            int tokens = 0;
            int named = 0;
            while (end < batch.sequenceCount() && end - first < maxSequences && tokens + batch.length(end) <= maxTokens
                    && (rows == null || named + rows[end] <= maxRows)) {
                tokens += batch.length(end);
                named += rows == null ? 0 : rows[end];
                end++;
            }
            if (end == first) {
                if (batch.length(first) > maxTokens) {
                    throw new IllegalArgumentException("a sequence of " + batch.length(first) + " tokens exceeds the device capacity of "
                            + maxTokens);
                }
                throw new IllegalArgumentException("a sequence names " + rows[first] + " rows for the head, more than the device's "
                        + maxRows + " a run");
            }
            consumer.accept(first, batch.slice(first, end));
            first = end;
        }
    }

    /** Runs {@code plan} over {@code batch}, {@code headRowCount} rows for a head (0 otherwise); returns the encoder graph's result. */
    private TornadoExecutionResult run(TokenBatch batch, Plan plan, int headRowCount) {
        int tokens = batch.tokenCount();
        int sequences = batch.sequenceCount();
        for (int s = 0; s < sequences; s++) {
            if (batch.length(s) > maxSequenceLength) {
                throw new IllegalArgumentException("a sequence has " + batch.length(s) + " tokens, more than the model's "
                        + maxSequenceLength + " positions");
            }
        }
        int vocab = model.embeddings().vocabSize();
        for (int t = 0; t < tokens; t++) {
            int id = batch.id(t);
            if (id < 0 || id >= vocab) {
                throw new IllegalArgumentException("token id " + id + " is outside the vocabulary of " + vocab);
            }
        }
        InputSlot slot = slotOf(batch);
        int tokenBase;
        int sequenceBase;
        if (slot != null) {
            // the batch lies in a slot: the device reads it where it is
            tokenBase = batch.offsets().getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, 0);
            sequenceBase = (int) ((batch.offsets().address() - slot.offsets().address()) / 4);
            slot.tokensRead += tokens;
        } else {
            slot = staging;
            int first = batch.offsets().getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, 0);
            MemorySegment.copy(batch.ids(), ValueLayout.JAVA_INT_UNALIGNED, 4L * first, staging.ids(), ValueLayout.JAVA_INT_UNALIGNED, 0, tokens);
            for (int s = 0; s <= sequences; s++) {
                staging.offsets().setAtIndex(ValueLayout.JAVA_INT, s, batch.offsets().getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, s) - first);
            }
            tokenBase = 0;
            sequenceBase = 0;
            staging.tokensRead += tokens;
        }
        boolean hasTypes = modelHasTypes && batch.typeIds() != null;
        if (hasTypes) {
            int typeCount = model.embeddings().typeVocabSize();
            for (int t = 0; t < tokens; t++) {
                int type = batch.typeId(t);
                if (type < 0 || type >= typeCount) {
                    throw new IllegalArgumentException("token type id " + type + " is outside [0, " + typeCount + ")");
                }
                types.set(t, type);
            }
        }
        size.set(0, tokens);
        size.set(1, sequences);
        size.set(2, tokenBase);
        size.set(3, sequenceBase);
        size.set(4, hasTypes ? 1 : 0);
        headRows.set(0, headRowCount);
        for (MatMulGrid m : plan.matmulGrids()) {
            int rows = m.headRows() ? headRowCount : tokens;
            m.grid().setGlobalWork(Math.max(1, MatMulKernels.globalSize(Math.max(rows, 1), m.columns())), 1, 1);
        }
        for (Sized sized : plan.grids()) {
            long local = sized.grid().getLocalWork()[0];
            long items = Math.max(1, (long) tokens * sized.perToken() + (long) sequences * sized.perSequence()
                    + (long) headRowCount * sized.perHeadRow());
            sized.grid().setGlobalWork((items + local - 1) / local * local, 1, 1);
        }
        account(plan.execution().withGraph(slot.index).execute());
        TornadoExecutionResult result = plan.execution().withGraph(slots.size()).execute();
        account(result);
        return result;
    }

    /** Adds a run's transfer and kernel time, as TornadoVM's profiler measured them on the device. */
    private void account(TornadoExecutionResult result) {
        TornadoProfilerResult profile = result.getProfilerResult();
        if (profile != null) {
            transferNanos += Math.max(0, profile.getDeviceWriteTime()) + Math.max(0, profile.getDeviceReadTime());
            kernelNanos += Math.max(0, profile.getDeviceKernelTime());
            profiledBytesToHost += Math.max(0, profile.getTotalBytesCopyOut());
        }
    }

    @Override
    public synchronized DeviceTime deviceTime() {
        return new DeviceTime(transferNanos, kernelNanos);
    }

    /**
     * What the device has done since it opened: bytes the plans' runs copied back (TornadoVM's profiler), bytes the head
     * plans' on-demand copies brought back, runs of the hidden-states plan and of head plans.
     */
    record Counters(long profiledBytesToHost, long onDemandBytesToHost, int statesRuns, int headRuns) {}

    synchronized Counters counters() {
        return new Counters(profiledBytesToHost, onDemandBytesToHost, statesRuns, headRuns);
    }

    /** The pipeline slot that {@code batch} lies in (its ids where the slot's start, its offsets inside the slot's), or null. */
    private InputSlot slotOf(TokenBatch batch) {
        if (!batch.ids().isNative() || !batch.offsets().isNative()) {
            return null;
        }
        for (InputSlot slot : slots) {
            if (slot != staging && batch.ids().address() == slot.ids().address()
                    && InputSlot.within(batch.ids(), slot.ids()) && InputSlot.within(batch.offsets(), slot.offsets())) {
                return slot;
            }
        }
        return null;
    }

    @Override
    public synchronized void close() {
        List<Plan> all = new ArrayList<>(plans.values());
        if (statesPlan != null) {
            all.add(statesPlan);
        }
        for (HeadPlan h : headPlans.values()) {
            all.add(h.plan());
        }
        for (Plan p : all) {
            try {
                p.execution().close();
            } catch (Exception ex) {
                throw new IllegalStateException("releasing the TornadoVM plan failed", ex);
            }
        }
        plans.clear();
        headPlans.clear();
        statesPlan = null;
    }
}

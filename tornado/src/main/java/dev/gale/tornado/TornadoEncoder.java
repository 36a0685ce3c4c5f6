package dev.gale.tornado;

import dev.gale.encoder.DeviceTime;
import dev.gale.encoder.EncoderBackend;
import dev.gale.encoder.PoolingConfig;
import dev.gale.encoder.TokenBatch;
import dev.gale.encoder.TokenMemory;
import dev.gale.encoder.nn.Activation;
import dev.gale.encoder.nn.Embeddings;
import dev.gale.encoder.nn.Encoder;
import dev.gale.encoder.nn.EncoderLayer;
import dev.gale.encoder.nn.LayerNorm;
import dev.gale.encoder.nn.PositionBias;
import dev.gale.encoder.nn.SelfAttention;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The whole encoder on a TornadoVM device, built once per model, batch capacity and pooling: weights go
 * to the device on the first run only, activations stay there between layers, and only the pooled
 * vectors come back.
 * <pre>
 *   input graph k (one per {@link InputSlot}): ids, offsets of slot k -> device copy
 *   encoder graph: index (per-token sequence start and length, from the offsets)
 *     -> embed -> LayerNorm
 *     -> per layer: qkv = x·Wqkv  -> attention (per sequence, no padding) -> a = LN(ctx·Wo + x)
 *                   f = GELU(a·W1) -> x = LN(f·W2 + a)
 *     -> pool (CLS / mean / max, Matryoshka, normalize) -> host: pooled (S, D)
 *   T tokens (at most the capacity), S sequences, H hidden, I intermediate, NH heads
 * </pre>
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

    private final Encoder model;
    private final int hidden, intermediate, heads, headSize;
    private final float eps;
    private final boolean modelHasTypes;
    private final TornadoDevice device;
    private final int capacity;        // tokens per run
    private final int maxSequenceLength;
    private final int maxKeys;         // the longest sequence a run can hold

    // weights, sent once
    private final FloatArray word, position, tokenType, embeddingNormWeight, embeddingNormBias;
    private final List<FloatArray[]> layers = new ArrayList<>();

    // inputs: the slots on the host, their device copy, per-run counts and types
    private final List<InputSlot> slots = new ArrayList<>();   // pipeline slots, then the staging slot
    private final InputSlot staging;
    private final BlockingQueue<InputSlot> free = new ArrayBlockingQueue<>(PIPELINE_SLOTS);
    private final IntArray ids, offsets;
    private final IntArray size = new IntArray(5);
    private final IntArray types, tokenStart, tokenLength, seqStart, seqLength;
    // activations, on the device
    private final FloatArray x, a, context, qkv, f, scores;
    private final KernelContext kernelContext = new KernelContext();

    private final Map<PoolingConfig, Plan> plans = new HashMap<>();
    private long transferNanos, kernelNanos;

    /** A compiled plan (input graphs, then the encoder graph) and the grids that are resized per batch. */
    private record Plan(TornadoExecutionPlan execution, FloatArray pooled, List<WorkerGrid1D> matmulGrids,
                        List<Integer> matmulColumns, List<Sized> grids) {}

    /** A grid of {@code perToken} work-items per token plus {@code perSequence} per sequence. */
    private record Sized(WorkerGrid1D grid, int perToken, int perSequence) {}

    /**
     * Why {@code model} cannot run here, or null: the kernels implement BERT's layer (post-norm, absolute
     * positions, exact GELU, biases everywhere, no position bias, no embedding projection).
     */
    static String unsupported(Encoder model) {
        Embeddings e = model.embeddings();
        String family = model.family();
        if (model.residual() != Encoder.Residual.POST_NORM || model.finalNorm() != null) {
            return family + " is a pre-norm encoder";
        }
        if (e.position() == null) {
            return family + " has no absolute position table";
        }
        if (e.projection() != null) {
            return family + " projects its embeddings";
        }
        for (EncoderLayer l : model.layers()) {
            SelfAttention at = l.attention();
            if (!(at.bias() instanceof PositionBias.None) || at.window() > 0) {
                return family + " adds a position bias in attention";
            }
            if (l.ffn().gated() || l.ffn().activation() != Activation.GELU) {
                return family + " uses a " + (l.ffn().gated() ? "gated " : "") + l.ffn().activation().label() + " feed-forward";
            }
            if (at.width() != model.hiddenSize() || !at.qkv().hasBias() || !at.output().hasBias() || !l.ffn().in().hasBias()
                    || !l.ffn().out().hasBias() || l.attentionNorm() == null || l.attentionNorm().bias() == null
                    || Math.abs(at.scale() - 1 / Math.sqrt(at.headSize())) > 1e-7) {
                return family + "'s layers differ from BERT's (attention width, biases or scale)";
            }
        }
        return null;
    }

    TornadoEncoder(Encoder model, TornadoDevice device, int capacity) {
        String why = unsupported(model);
        if (why != null) {
            throw new IllegalArgumentException("the TornadoVM backend runs BERT-layout encoders today (bert, roberta, xlm-roberta, "
                    + "camembert, distilbert); " + why + ": use --device cpu");
        }
        this.model = model;
        EncoderLayer first = model.layers().getFirst();
        this.hidden = model.hiddenSize();
        this.intermediate = first.ffn().intermediateSize();
        this.heads = first.attention().heads();
        this.headSize = first.attention().headSize();
        this.eps = first.attentionNorm().eps();
        this.device = device;
        this.capacity = capacity;
        this.maxSequenceLength = model.maxLength();
        this.maxKeys = Math.min(capacity, maxSequenceLength);
        Embeddings e = model.embeddings();
        word = FloatArray.fromArray(e.word().toFloatArray());
        // the kernel reads position row p for the p-th token; RoBERTa's family counts from padding_idx + 1, so its
        // table goes up from that row (a pad token inside a text, which RoBERTa would not count, is not special here)
        float[] positions = e.position().toFloatArray();
        int first0 = e.positionIds() instanceof Embeddings.PositionIds.AfterPadding p ? p.paddingIdx() + 1 : 0;
        position = FloatArray.fromArray(java.util.Arrays.copyOfRange(positions, first0 * hidden, positions.length));
        modelHasTypes = e.typeVocabSize() > 1;   // with one type (or none) the kernel adds row 0 to every token
        tokenType = FloatArray.fromArray(e.tokenType() != null ? e.tokenType().toFloatArray() : new float[hidden]);
        embeddingNormWeight = FloatArray.fromArray(e.norm().weightArray());
        embeddingNormBias = FloatArray.fromArray(e.norm().biasOrZeros());
        for (EncoderLayer l : model.layers()) {
            SelfAttention at = l.attention();
            layers.add(new FloatArray[]{
                    FloatArray.fromArray(at.qkv().weightInOut()), FloatArray.fromArray(at.qkv().biasOrZeros()),
                    FloatArray.fromArray(at.output().weightInOut()), FloatArray.fromArray(at.output().biasOrZeros()),
                    norm(l.attentionNorm(), true), norm(l.attentionNorm(), false),
                    FloatArray.fromArray(l.ffn().in().weightInOut()), FloatArray.fromArray(l.ffn().in().biasOrZeros()),
                    FloatArray.fromArray(l.ffn().out().weightInOut()), FloatArray.fromArray(l.ffn().out().biasOrZeros()),
                    norm(l.ffnNorm(), true), norm(l.ffnNorm(), false)});
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
        seqStart = new IntArray(capacity);
        seqLength = new IntArray(capacity);
        x = new FloatArray(capacity * hidden);
        a = new FloatArray(capacity * hidden);
        context = new FloatArray(capacity * hidden);
        qkv = new FloatArray(capacity * 3 * hidden);
        f = new FloatArray(capacity * intermediate);
        scores = new FloatArray(capacity * heads * maxKeys);
    }

    private static FloatArray norm(LayerNorm n, boolean weight) {
        return FloatArray.fromArray(weight ? n.weightArray() : n.biasOrZeros());
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

    private Plan build(PoolingConfig pooling) {
        int inter = intermediate;
        int dims = pooling.outputSize(hidden);
        if (pooling.skipTokens() > 0) {
            throw new IllegalArgumentException("the TornadoVM backend pools whole sequences; a prompt left out of pooling "
                    + "(include_prompt: false) needs --device cpu");
        }
        int mode = switch (pooling.mode()) {
            case CLS -> EmbeddingKernels.CLS;
            case MEAN -> EmbeddingKernels.MEAN;
            case MAX -> EmbeddingKernels.MAX;
            default -> throw new IllegalArgumentException("the TornadoVM backend pools cls, mean or max; " + pooling.mode().stName()
                    + " pooling needs --device cpu");
        };
        FloatArray pooled = new FloatArray(capacity * dims);
        GridScheduler scheduler = new GridScheduler();
        List<WorkerGrid1D> matmulGrids = new ArrayList<>();
        List<Integer> matmulColumns = new ArrayList<>();
        List<Sized> grids = new ArrayList<>();

        List<ImmutableTaskGraph> graphs = new ArrayList<>();
        TaskGraph g = new TaskGraph("encoder");
        for (InputSlot slot : slots) {
            int slotTokens = slot.deviceIds.getSize();
            int slotSequences = slot.deviceOffsets.getSize() - 1;
            String name = "input" + slot.index;
            graphs.add(new TaskGraph(name)
                    .transferToDevice(DataTransferMode.EVERY_EXECUTION, slot.deviceIds, slot.deviceOffsets)
                    .task("load", EmbeddingKernels::load, slot.deviceIds, slot.deviceOffsets, ids, offsets, slotTokens, slotSequences,
                            Math.max(slotTokens, slotSequences + 1))
                    .persistOnDevice(ids, offsets)
                    .snapshot());
            g.consumeFromDevice(name, ids, offsets);
        }
        g.transferToDevice(DataTransferMode.FIRST_EXECUTION, word, position, tokenType, embeddingNormWeight, embeddingNormBias);
        for (FloatArray[] l : layers) {
            g.transferToDevice(DataTransferMode.FIRST_EXECUTION, (Object[]) l);
        }
        g.transferToDevice(DataTransferMode.EVERY_EXECUTION, size, types)
                .task("index", EmbeddingKernels::index, kernelContext, offsets, tokenStart, tokenLength, seqStart, seqLength, size)
                .task("embed", EmbeddingKernels::embed, kernelContext, ids, types, tokenStart, word, position, tokenType, x, size, hidden)
                .task("embed_norm", NormKernels::addLayerNorm, kernelContext, x, a, embeddingNormWeight, embeddingNormBias, eps, hidden, 0);
        grids.add(new Sized(grid(scheduler, "encoder.index", EmbeddingKernels.LOCAL), 0, 1));
        grids.add(new Sized(grid(scheduler, "encoder.embed", EmbeddingKernels.LOCAL), hidden, 0));
        grids.add(new Sized(grid(scheduler, "encoder.embed_norm", NormKernels.LOCAL), NormKernels.LOCAL, 0));
        for (int i = 0; i < layers.size(); i++) {
            FloatArray[] l = layers.get(i);
            String p = "l" + i + "_";
            g.task(p + "qkv", MatMulKernels::matmul, kernelContext, x, l[0], l[1], qkv, size, hidden, 3 * hidden, 0)
                    .task(p + "attention", AttentionKernels::attention, kernelContext, qkv, context, scores, tokenStart, tokenLength, size,
                            heads, headSize, maxKeys)
                    .task(p + "out", MatMulKernels::matmul, kernelContext, context, l[2], l[3], a, size, hidden, hidden, 0)
                    .task(p + "norm1", NormKernels::addLayerNorm, kernelContext, a, x, l[4], l[5], eps, hidden, 1)
                    .task(p + "ffn1", MatMulKernels::matmul, kernelContext, a, l[6], l[7], f, size, hidden, inter, 1)
                    .task(p + "ffn2", MatMulKernels::matmul, kernelContext, f, l[8], l[9], x, size, inter, hidden, 0)
                    .task(p + "norm2", NormKernels::addLayerNorm, kernelContext, x, a, l[10], l[11], eps, hidden, 1);
            for (String[] mm : new String[][]{{"qkv", "" + 3 * hidden}, {"out", "" + hidden}, {"ffn1", "" + inter}, {"ffn2", "" + hidden}}) {
                matmulGrids.add(grid(scheduler, "encoder." + p + mm[0], MatMulKernels.TS * MatMulKernels.TS));
                matmulColumns.add(Integer.parseInt(mm[1]));
            }
            grids.add(new Sized(grid(scheduler, "encoder." + p + "attention", EmbeddingKernels.LOCAL), heads, 0));
            grids.add(new Sized(grid(scheduler, "encoder." + p + "norm1", NormKernels.LOCAL), NormKernels.LOCAL, 0));
            grids.add(new Sized(grid(scheduler, "encoder." + p + "norm2", NormKernels.LOCAL), NormKernels.LOCAL, 0));
        }
        grids.add(new Sized(grid(scheduler, "encoder.pool", EmbeddingKernels.LOCAL), 0, 1));
        g.task("pool", EmbeddingKernels::pool, kernelContext, x, pooled, seqStart, seqLength, size, hidden, dims, mode, pooling.normalize() ? 1 : 0)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, pooled);
        graphs.add(g.snapshot());
        TornadoExecutionPlan execution = new TornadoExecutionPlan(graphs.toArray(ImmutableTaskGraph[]::new))
                .withGridScheduler(scheduler).withDevice(device).withProfiler(ProfilerMode.SILENT);
        return new Plan(execution, pooled, matmulGrids, matmulColumns, grids);
    }

    private static WorkerGrid1D grid(GridScheduler scheduler, String task, int local) {
        WorkerGrid1D grid = new WorkerGrid1D(local);
        grid.setLocalWork(local, 1, 1);
        scheduler.addWorkerGrid(task, grid);
        return grid;
    }

    @Override
    public synchronized void embed(TokenBatch batch, PoolingConfig pooling, MemorySegment out) {
        int dims = pooling.outputSize(hidden);
        long rowBytes = 4L * dims;
        int first = 0;
        while (first < batch.sequenceCount()) {
            // as many sequences as fit the capacity (EmbeddingModel already cuts batches to the token budget)
            int end = first;
            int tokens = 0;
            while (end < batch.sequenceCount() && end - first < capacity && tokens + batch.length(end) <= capacity) {
                tokens += batch.length(end);
                end++;
            }
            if (end == first) {
                throw new IllegalArgumentException("a sequence of " + batch.length(first) + " tokens exceeds the device capacity of " + capacity);
            }
            run(batch.slice(first, end), pooling, out.asSlice(first * rowBytes, (end - first) * rowBytes));
            first = end;
        }
    }

    private void run(TokenBatch batch, PoolingConfig pooling, MemorySegment out) {
        int tokens = batch.tokenCount();
        int sequences = batch.sequenceCount();
        for (int s = 0; s < sequences; s++) {
            if (batch.length(s) > maxSequenceLength) {
                throw new IllegalArgumentException("a sequence has " + batch.length(s) + " tokens, more than the model's "
                        + maxSequenceLength + " positions");
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
            for (int t = 0; t < tokens; t++) {
                types.set(t, batch.typeId(t));
            }
        }
        size.set(0, tokens);
        size.set(1, sequences);
        size.set(2, tokenBase);
        size.set(3, sequenceBase);
        size.set(4, hasTypes ? 1 : 0);
        Plan plan = plan(pooling);
        for (int i = 0; i < plan.matmulGrids().size(); i++) {
            plan.matmulGrids().get(i).setGlobalWork(Math.max(1, MatMulKernels.globalSize(Math.max(tokens, 1), plan.matmulColumns().get(i))), 1, 1);
        }
        for (Sized sized : plan.grids()) {
            long local = sized.grid().getLocalWork()[0];
            long items = Math.max(1, (long) tokens * sized.perToken() + (long) sequences * sized.perSequence());
            sized.grid().setGlobalWork((items + local - 1) / local * local, 1, 1);
        }
        account(plan.execution().withGraph(slot.index).execute());
        account(plan.execution().withGraph(slots.size()).execute());
        int dims = pooling.outputSize(hidden);
        MemorySegment.copy(plan.pooled().getSegment(), 0, out, 0, 4L * sequences * dims);
    }

    /** Adds a run's transfer and kernel time, as TornadoVM's profiler measured them on the device. */
    private void account(TornadoExecutionResult result) {
        TornadoProfilerResult profile = result.getProfilerResult();
        if (profile != null) {
            transferNanos += Math.max(0, profile.getDeviceWriteTime()) + Math.max(0, profile.getDeviceReadTime());
            kernelNanos += Math.max(0, profile.getDeviceKernelTime());
        }
    }

    @Override
    public synchronized DeviceTime deviceTime() {
        return new DeviceTime(transferNanos, kernelNanos);
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
    public float[] hiddenStates(TokenBatch batch) {
        throw new UnsupportedOperationException("hidden states come from the CPU backend; the device returns pooled vectors only");
    }

    @Override
    public synchronized void close() {
        for (Plan p : plans.values()) {
            try {
                p.execution().close();
            } catch (Exception e) {
                throw new IllegalStateException("releasing the TornadoVM plan failed", e);
            }
        }
        plans.clear();
    }
}

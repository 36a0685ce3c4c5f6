package dev.gale.cli;

import dev.gale.encoder.BackendProvider;
import dev.gale.encoder.Backends;
import dev.gale.encoder.Device;
import dev.gale.encoder.DeviceTime;
import dev.gale.encoder.EmbeddingModel;
import dev.gale.encoder.model.ModelLoader;
import dev.gale.encoder.tokenizer.Encoding;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Run the same workload on each device and compare: real tokens/s and latency per batch, "
                + "as a table on stdout and a bar chart (PNG).",
                "The workload is the texts of --input (one per line, or JSONL), tokenized once and cut into batches "
                        + "of --max-batch-tokens; each device first runs one untimed pass (JIT and kernel compilation).",
                "With --onnxruntime, ONNX Runtime runs the same token ids too, and each device's speed-up over it is printed."})
final class BenchCommand implements Callable<Integer> {
    @Mixin
    ModelOptions modelOptions;
    @Mixin
    IoOptions io;

    @Option(names = "--devices", paramLabel = "<all|ID[,ID...]>", split = ",",
            description = "Devices to compare: all (default), or ids from 'gale devices'.")
    List<String> devices = List.of("all");

    @Option(names = "--max-batch-tokens", paramLabel = "N", description = "Tokens per batch (default: 2048).")
    int maxBatchTokens = 2048;

    @Option(names = "--repeats", paramLabel = "N", description = "Timed passes over the texts per device (default: ${DEFAULT-VALUE}).")
    int repeats = 1;

    @Option(names = "--chart", paramLabel = "<file.png>", description = "Where to write the chart (default: ${DEFAULT-VALUE}).")
    Path chart = Path.of("gale-bench.png");

    @Option(names = "--onnxruntime", description = "Also run ONNX Runtime on the model's ONNX export, on the same token ids "
            + "(threads: --threads, else all cores), in batches of " + BenchReference.BATCH + " padded to their longest text: "
            + "in file order, and sorted by length. Needs the bench module on the class path, which ./gale adds from a source checkout.")
    boolean onnxruntime;

    /**
     * The settings every row ran under (one JVM runs them all): the collector, whether JVMCI is on (TornadoVM's
     * flags, which the launcher adds only for runs with a TornadoVM device), and the heap limit.
     */
    static String jvmSettings() {
        String gc = java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(java.lang.management.GarbageCollectorMXBean::getName).collect(java.util.stream.Collectors.joining(", "));
        List<String> args = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments();
        boolean jvmci = args.contains("-XX:+EnableJVMCI");
        return String.format(Locale.ROOT, "Java %s, collectors %s, %s, max heap %,d MiB", Runtime.version(), gc,
                jvmci ? "JVMCI on (TornadoVM's flags, without its -XX:+UseParallelGC)" : "no TornadoVM flags",
                Runtime.getRuntime().maxMemory() >> 20);
    }

    /** {@code device} is the device's own measure of the timed passes: null for the CPU. */
    record Result(String device, String name, long tokens, int batches, double seconds, double[] batchMillis, DeviceTime deviceTime) {
        double tokensPerSecond() {
            return tokens / seconds;
        }

        /** Mean transfer / kernel milliseconds per batch as the device measured them, or "-" on the CPU. */
        String perBatch(boolean transfers) {
            if (deviceTime == null) {
                return "-";
            }
            long nanos = transfers ? deviceTime.transferNanos() : deviceTime.kernelNanos();
            return String.format(Locale.ROOT, "%.1f", nanos / 1e6 / batches);
        }

        double median() {
            double[] sorted = batchMillis.clone();
            Arrays.sort(sorted);
            return sorted[sorted.length / 2];
        }
    }

    /** One batch of a pass, on a device or in the reference runtime. */
    private interface Batch {
        void run(List<Encoding> batch) throws Exception;
    }

    @Override
    public Integer call() throws Exception {
        // refused before any device runs
        URL onnx = onnxruntime ? onnxExport() : null;
        BenchReference reference = onnxruntime ? reference() : null;
        List<String> texts = texts();
        if (texts.isEmpty()) {
            throw new IllegalArgumentException(io.input + ": no texts to benchmark (column '" + io.column + "' has no non-null rows)");
        }
        List<Device> targets = targets();
        List<Result> results = new ArrayList<>();
        List<Encoding> encodings = null;
        for (Device device : targets) {
            System.err.println("bench: " + device.id() + " (" + device.name() + ")...");
            try (EmbeddingModel model = load(device)) {
                if (encodings == null) {
                    encodings = model.tokenize(texts); // once: the same token ids everywhere
                }
                results.add(run(model, device, encodings));
            }
        }
        List<Result> gale = List.copyOf(results);
        if (reference != null) {
            results.addAll(runReference(reference, onnx, encodings));
        }
        System.out.printf(Locale.ROOT, "%-22s %12s %8s %11s %11s %10s  %s%n",
                "DEVICE", "TOKENS/S", "BATCHES", "MS/BATCH", "TRANSFER", "KERNELS", "NAME");
        for (Result r : results) {
            System.out.printf(Locale.ROOT, "%-22s %,12.0f %8d %11.1f %11s %10s  %s%n", r.device(), r.tokensPerSecond(), r.batches(),
                    r.median(), r.perBatch(true), r.perBatch(false), r.name());
        }
        if (reference != null) {
            Result naive = results.get(gale.size()), sorted = results.get(gale.size() + 1);
            for (Result r : gale) {
                System.out.printf(Locale.ROOT, "gale %s / onnxruntime: %.2fx file order, %.2fx sorted%n", r.device(),
                        r.tokensPerSecond() / naive.tokensPerSecond(), r.tokensPerSecond() / sorted.tokensPerSecond());
            }
        }
        System.err.println("bench: every row ran in one JVM: " + jvmSettings());
        System.err.println("bench: MS/BATCH is the median wall time per batch. TRANSFER, KERNELS: mean ms per batch as the device "
                + "measured them (host<->device copies; kernels); - for the CPU and ONNX Runtime, which have neither.");
        writeChart(results, texts.size());
        System.err.println("bench: chart written to " + chart);
        return Gale.OK;
    }

    private List<String> texts() throws Exception {
        List<String> texts = new ArrayList<>();
        try (org.apache.arrow.memory.BufferAllocator allocator = new org.apache.arrow.memory.RootAllocator();
             dev.gale.arrow.TableSource source = dev.gale.arrow.TableSource.open(io.input, io.inputFormat(), io.column, List.of(), 1024, allocator)) {
            while (source.reader().loadNextBatch()) {
                var vector = source.reader().getVectorSchemaRoot().getVector(io.column);
                for (int r = 0; r < vector.getValueCount(); r++) {
                    if (!vector.isNull(r)) {
                        texts.add(vector.getObject(r).toString());
                    }
                }
            }
        }
        return texts;
    }

    private List<Device> targets() {
        List<Device> all = new ArrayList<>();
        for (BackendProvider p : Backends.providers()) {
            if (p.unavailableReason() == null) {
                all.addAll(p.devices());
            }
        }
        if (devices.equals(List.of("all"))) {
            return all;
        }
        List<Device> chosen = new ArrayList<>();
        for (String id : devices) {
            chosen.add(all.stream().filter(d -> d.id().equals(id)).findFirst().orElseThrow(() ->
                    new IllegalArgumentException("no device '" + id + "'; the devices are: "
                            + String.join(", ", all.stream().map(Device::id).toList()))));
        }
        return chosen;
    }

    private EmbeddingModel load(Device device) {
        EmbeddingModel.Options base = modelOptions.toOptions(maxBatchTokens);
        return EmbeddingModel.load(modelOptions.model, new EmbeddingModel.Options(base.pooling(), base.normalize(),
                base.dimensions(), base.maxLength(), base.threads(), maxBatchTokens, device.id()));
    }

    private Result run(EmbeddingModel model, Device device, List<Encoding> encodings) throws Exception {
        List<List<Encoding>> batches = batches(encodings, Math.max(maxBatchTokens, model.maxLength()));
        MemorySegment out = MemorySegment.ofArray(new float[encodings.size() * model.dimensions()]);
        return time(device.id(), device.name(), batches, batch -> model.embed(batch, out), model::deviceTime);
    }

    /**
     * ONNX Runtime on the same token ids in padded batches, in file order (the naive way) and sorted by length
     * (the best practice, which pads least).
     */
    private List<Result> runReference(BenchReference reference, URL onnx, List<Encoding> encodings) throws Exception {
        int threads = modelOptions.runtime.threads > 0 ? modelOptions.runtime.threads : Runtime.getRuntime().availableProcessors();
        List<Encoding> sorted = new ArrayList<>(encodings);
        sorted.sort(Comparator.comparingInt(e -> e.ids().length));
        List<List<Encoding>> naiveBatches = BenchReference.batches(encodings), sortedBatches = BenchReference.batches(sorted);
        System.err.println("bench: onnxruntime (" + reference.name() + ", " + threads + " threads)...");
        String name = reference.name() + ", " + BenchReference.BATCH + " per batch padded";
        try (BenchReference.Session session = reference.open(onnx, threads)) {
            List<Result> results = List.of(
                    time("onnxruntime/file-order", name + ", file order", naiveBatches, session::run, () -> null),
                    time("onnxruntime/sorted", name + ", sorted by length", sortedBatches, session::run, () -> null));
            System.err.printf(Locale.ROOT, "bench: onnxruntime computes %,d padded tokens a pass in file order, %,d sorted, for %,d real ones%n",
                    BenchReference.paddedTokens(naiveBatches), BenchReference.paddedTokens(sortedBatches), realTokens(encodings));
            return results;
        }
    }

    /** One untimed pass over the batches (JIT and kernel compilation), then --repeats timed passes. */
    private Result time(String device, String name, List<List<Encoding>> batches, Batch run, Supplier<DeviceTime> deviceTime)
            throws Exception {
        for (List<Encoding> batch : batches) {
            run.run(batch);
        }
        long tokens = 0;
        DeviceTime before = deviceTime.get();
        double[] millis = new double[batches.size() * repeats];
        long start = System.nanoTime();
        int i = 0;
        for (int r = 0; r < repeats; r++) {
            for (List<Encoding> batch : batches) {
                long t = System.nanoTime();
                run.run(batch);
                millis[i++] = (System.nanoTime() - t) / 1e6;
                tokens += realTokens(batch);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        DeviceTime spent = before == null ? null : deviceTime.get().since(before);
        return new Result(device, name, tokens, millis.length, seconds, millis, spent);
    }

    private static long realTokens(List<Encoding> encodings) {
        return encodings.stream().mapToLong(e -> e.ids().length).sum();
    }

    private URL onnxExport() {
        return ModelLoader.onnxExport(modelOptions.model).orElseThrow(() -> new IllegalArgumentException(
                "--onnxruntime needs an ONNX export of the model; " + modelOptions.model + " is safetensors"));
    }

    /** ONNX Runtime, from the bench module: the gale command never depends on it. */
    private static BenchReference reference() {
        return ServiceLoader.load(BenchReference.class).findFirst().orElseThrow(() -> new IllegalArgumentException(
                "--onnxruntime: ONNX Runtime is not on the class path (Gale uses it only for benchmarks, in the bench module); "
                        + "run ./gale from a source checkout, which adds bench/target/gale-bench.jar and bench/target/lib/*"));
    }

    private static List<List<Encoding>> batches(List<Encoding> encodings, int budget) {
        List<List<Encoding>> batches = new ArrayList<>();
        List<Encoding> current = new ArrayList<>();
        int tokens = 0;
        for (Encoding e : encodings) {
            if (!current.isEmpty() && tokens + e.ids().length > budget) {
                batches.add(current);
                current = new ArrayList<>();
                tokens = 0;
            }
            current.add(e);
            tokens += e.ids().length;
        }
        if (!current.isEmpty()) {
            batches.add(current);
        }
        return batches;
    }

    /** A horizontal bar per device, its tokens/s written at the end of the bar. */
    private void writeChart(List<Result> results, int texts) throws IOException {
        int width = 1100, rowHeight = 48, top = 70, left = 200;
        int height = top + rowHeight * results.size() + 40;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.DARK_GRAY);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        g.drawString("gale bench: " + modelOptions.model + ", " + texts + " texts (real tokens/s, higher is better)", 20, 32);
        double max = results.stream().mapToDouble(Result::tokensPerSecond).max().orElse(1);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        for (int i = 0; i < results.size(); i++) {
            Result r = results.get(i);
            int y = top + i * rowHeight;
            int bar = (int) Math.max(2, (width - left - 420) * r.tokensPerSecond() / max);
            g.setColor(r.device().startsWith("onnxruntime/") ? new Color(0x8C8C8C)
                    : i == 0 ? new Color(0x4C72B0) : new Color(0xDD8452));
            g.fillRect(left, y, bar, rowHeight - 14);
            g.setColor(Color.DARK_GRAY);
            g.drawString(r.device(), 20, y + rowHeight / 2);
            String label = String.format(Locale.ROOT, "%,.0f tok/s, %.1f ms/batch", r.tokensPerSecond(), r.median());
            if (r.deviceTime() != null) {
                label += " (transfer " + r.perBatch(true) + " ms, kernels " + r.perBatch(false) + " ms)";
            }
            g.drawString(label, left + bar + 8, y + rowHeight / 2);
        }
        g.setStroke(new BasicStroke(1));
        g.drawLine(left, top - 6, left, top + rowHeight * results.size());
        g.dispose();
        Path parent = chart.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        ImageIO.write(image, "png", chart.toFile());
    }
}

package dev.gale.examples;

import dev.gale.encoder.EmbeddingModel;

import java.util.List;

/**
 * Pure-Java transformer inference on a GPU: the encoder's loops, compiled by TornadoVM for the device
 * (OpenCL, PTX or SPIR-V), embed a few sentences; the host prints their similarity matrix.
 * <pre>  TORNADOVM_HOME=/path/to/sdk examples/run GpuSimilarity [device]   (device: tornado, tornado:opencl:0, ...) </pre>
 */
public final class GpuSimilarity {
    public static void main(String[] args) {
        String device = args.length > 0 ? args[0] : "tornado";
        List<String> sentences = List.of(
                "The cat sits on the mat.",
                "A feline is resting on a rug.",
                "Stock markets fell sharply on Monday.",
                "Shares dropped at the start of the week.");
        var options = new EmbeddingModel.Options(null, null, 0, 0, 0, 0, device);
        try (EmbeddingModel model = EmbeddingModel.load("all-minilm-l6-v2", options)) {
            long start = System.nanoTime();
            List<float[]> vectors = model.embed(sentences); // first call: TornadoVM compiles the kernels
            System.out.printf("on %s, first call %.1f s (kernels compiled)%n", device, (System.nanoTime() - start) / 1e9);
            start = System.nanoTime();
            vectors = model.embed(sentences);
            System.out.printf("second call %.0f ms%n", (System.nanoTime() - start) / 1e6);
            SimilarityMatrix.print(sentences, vectors);
        } catch (IllegalArgumentException e) {
            System.err.println("GpuSimilarity: " + e.getMessage()); // no SDK or no such device
            System.exit(2);
        }
    }
}

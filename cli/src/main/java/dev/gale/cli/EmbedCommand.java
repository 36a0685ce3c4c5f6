package dev.gale.cli;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gale.encoder.EmbeddingModel;
import dev.gale.encoder.tokenizer.Encoding;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "embed", mixinStandardHelpOptions = true,
        description = {"Embed texts: one JSON object per input line, in input order, with an 'embedding' field.",
                "JSONL input keeps its other fields (an id, say) in the output."})
final class EmbedCommand implements Callable<Integer> {
    @Mixin
    ModelOptions modelOptions;
    @Mixin
    IoOptions io;

    @Option(names = "--batch-texts", paramLabel = "N", description = "Texts read and embedded per step (default: ${DEFAULT-VALUE}).")
    int batchTexts = 256;

    @Option(names = {"-q", "--quiet"}, description = "No progress or summary on stderr.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        if (batchTexts < 1) {
            throw new IllegalArgumentException("--batch-texts must be at least 1, got " + batchTexts);
        }
        ObjectMapper mapper = new ObjectMapper();
        Progress progress;
        try (EmbeddingModel model = modelOptions.load();
             TextReader reader = new TextReader(io);
             AtomicOutput output = new AtomicOutput(io.output);
             JsonGenerator json = new JsonFactory(mapper).createGenerator(output.stream(), JsonEncoding.UTF8)) {
            json.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
            progress = new Progress(System.err, !quiet);
            int dims = model.dimensions();
            float[] vectors = new float[batchTexts * dims];
            for (List<TextReader.Item> items = reader.next(batchTexts); !items.isEmpty(); items = reader.next(batchTexts)) {
                List<Encoding> encodings = model.tokenize(items.stream().map(TextReader.Item::text).toList());
                if (!modelOptions.truncate) {
                    for (int i = 0; i < items.size(); i++) {
                        if (encodings.get(i).truncated()) {
                            reader.refuseTruncated(items.get(i), model.tokenizer(), model.maxLength());
                        }
                    }
                }
                model.embed(encodings, MemorySegment.ofArray(vectors));
                long tokens = 0;
                long truncated = 0;
                for (int i = 0; i < items.size(); i++) {
                    writeLine(json, items.get(i), vectors, i * dims, dims);
                    tokens += encodings.get(i).ids().length;
                    truncated += encodings.get(i).truncated() ? 1 : 0;
                }
                progress.add(items.size(), tokens, truncated);
            }
            json.flush();
            output.commit();
        }
        progress.finish("embedded");
        return Gale.OK;
    }

    private static void writeLine(JsonGenerator json, TextReader.Item item, float[] vectors, int offset, int dims) throws java.io.IOException {
        json.writeStartObject();
        if (item.fields() != null) {
            for (Map.Entry<String, com.fasterxml.jackson.databind.JsonNode> field : item.fields().properties()) {
                json.writeFieldName(field.getKey());
                json.writeTree(field.getValue());
            }
        }
        json.writeFieldName("embedding");
        json.writeStartArray();
        for (int i = 0; i < dims; i++) {
            json.writeNumber(vectors[offset + i]);
        }
        json.writeEndArray();
        json.writeEndObject();
        json.writeRaw('\n');
    }
}

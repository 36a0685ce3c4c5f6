package dev.gale.cli;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.gale.encoder.model.LoadedModel;
import dev.gale.encoder.model.ModelLoader;
import dev.gale.encoder.tokenizer.Encoding;
import dev.gale.encoder.tokenizer.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.lang.foreign.Arena;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "tokenize", mixinStandardHelpOptions = true,
        description = "Tokenize texts as the model does: one JSON object per input line with 'ids' (special tokens included).")
final class TokenizeCommand implements Callable<Integer> {
    @Mixin
    ModelOptions modelOptions;
    @Mixin
    IoOptions io;

    @Option(names = "--tokens", description = "Also write the token strings.")
    boolean tokens;

    @Override
    public Integer call() throws Exception {
        modelOptions.toOptions();
        try (Arena arena = Arena.ofConfined();
             TextReader reader = new TextReader(io);
             AtomicOutput output = new AtomicOutput(io.output);
             JsonGenerator json = new JsonFactory().createGenerator(output.stream(), JsonEncoding.UTF8)) {
            LoadedModel model = ModelLoader.load(modelOptions.model, arena);
            Tokenizer tokenizer = model.tokenizer();
            int maxLength = modelOptions.maxLength > 0 ? modelOptions.maxLength : model.maxLength();
            json.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
            for (List<TextReader.Item> items = reader.next(1024); !items.isEmpty(); items = reader.next(1024)) {
                for (TextReader.Item item : items) {
                    Encoding e = tokenizer.encode(item.text(), maxLength);
                    if (e.truncated() && !modelOptions.truncate) {
                        reader.refuseTruncated(item, tokenizer, maxLength);
                    }
                    json.writeStartObject();
                    json.writeFieldName("ids");
                    json.writeArray(e.ids(), 0, e.ids().length);
                    if (tokens) {
                        json.writeArrayFieldStart("tokens");
                        for (int id : e.ids()) {
                            json.writeString(tokenizer.idToToken(id));
                        }
                        json.writeEndArray();
                    }
                    json.writeEndObject();
                    json.writeRaw('\n');
                }
            }
            json.flush();
            output.commit();
        }
        return Gale.OK;
    }
}

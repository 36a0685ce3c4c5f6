package dev.gale.cli;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.gale.arrow.AtomicOutput;
import dev.gale.arrow.TableSource;
import dev.gale.arrow.TokenColumn;
import dev.gale.encoder.model.LoadedModel;
import dev.gale.encoder.model.ModelLoader;
import dev.gale.encoder.tokenizer.Tokenizer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.ipc.ArrowReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.lang.foreign.Arena;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "tokenize", mixinStandardHelpOptions = true,
        description = "Tokenize texts as the model does: one JSON object per input row with 'ids' (special tokens "
                + "included; null for a null text).")
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
             BufferAllocator allocator = new RootAllocator();
             TableSource source = TableSource.open(io.input, io.inputFormat(), io.column, List.of(), 1024, allocator);
             AtomicOutput output = AtomicOutput.file(io.output);
             JsonGenerator json = new JsonFactory().createGenerator(output.stream(), JsonEncoding.UTF8)) {
            LoadedModel model = ModelLoader.load(modelOptions.model, arena);
            Tokenizer tokenizer = model.tokenizer();
            int maxLength = modelOptions.maxLength > 0 ? modelOptions.maxLength : model.maxLength();
            json.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
            ArrowReader reader = source.reader();
            long row = 0;
            while (reader.loadNextBatch()) {
                long first = row;
                try (TokenColumn column = TokenColumn.tokenize(reader.getVectorSchemaRoot().getVector(io.column), tokenizer,
                        maxLength, modelOptions.truncate, allocator, r -> source.where(first + r))) {
                    write(json, column.ids(), tokenizer);
                    row += column.rows();
                }
            }
            json.flush();
            output.commit();
        }
        return Gale.OK;
    }

    private void write(JsonGenerator json, ListVector ids, Tokenizer tokenizer) throws java.io.IOException {
        IntVector values = (IntVector) ids.getDataVector();
        for (int r = 0; r < ids.getValueCount(); r++) {
            json.writeStartObject();
            json.writeFieldName("ids");
            if (ids.isNull(r)) {
                json.writeNull();
            } else {
                int start = ids.getElementStartIndex(r);
                int end = ids.getElementEndIndex(r);
                json.writeStartArray();
                for (int i = start; i < end; i++) {
                    json.writeNumber(values.get(i));
                }
                json.writeEndArray();
                if (tokens) {
                    json.writeArrayFieldStart("tokens");
                    for (int i = start; i < end; i++) {
                        json.writeString(tokenizer.idToToken(values.get(i)));
                    }
                    json.writeEndArray();
                }
            }
            json.writeEndObject();
            json.writeRaw('\n');
        }
    }
}

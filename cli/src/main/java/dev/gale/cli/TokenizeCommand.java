package dev.gale.cli;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gale.arrow.AtomicOutput;
import dev.gale.arrow.BadInputException;
import dev.gale.arrow.TableSource;
import dev.gale.arrow.TokenColumn;
import dev.gale.encoder.model.LoadedTokenizer;
import dev.gale.encoder.model.ModelLoader;
import dev.gale.encoder.tokenizer.EncodeOptions;
import dev.gale.encoder.tokenizer.Encoding;
import dev.gale.encoder.tokenizer.Tokenizer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.ipc.ArrowReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "tokenize", mixinStandardHelpOptions = true,
        description = {"Tokenize texts as the model's tokenizer.json does: one JSON object per input row with 'ids' "
                + "(special tokens included; null for a null text). Reads only the tokenizer files, so any model "
                + "directory, a tokenizer.json file, or a directory holding only one will do.",
                "With --decode, the other way round: each input line holds ids (a JSON object with 'ids' as this "
                        + "command writes it, a JSON array, or numbers separated by spaces or commas) and the output "
                        + "has their 'text'."})
final class TokenizeCommand implements Callable<Integer> {
    @Option(names = {"-m", "--model"}, paramLabel = "<dir|file|alias>",
            description = "The tokenizer: a built-in alias, a model directory with tokenizer.json, a tokenizer.json "
                    + "file, or an .onnx / .safetensors file with tokenizer.json beside it (default: ${DEFAULT-VALUE}).")
    String model = dev.gale.encoder.model.BuiltinModel.DEFAULT.alias();

    @picocli.CommandLine.Mixin
    IoOptions io;

    @Option(names = "--max-length", paramLabel = "N",
            description = "Tokens per text, special tokens included; longer texts are truncated (default: the "
                    + "model's max length where its files give one, else no limit).")
    int maxLength;

    @Option(names = "--truncate", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Truncate texts longer than the max length (default); --no-truncate stops with an error naming the row instead.")
    boolean truncate = true;

    @Option(names = "--tokens", description = "Also write the token strings ('tokens').")
    boolean tokens;

    @Option(names = "--offsets", description = "Also write each token's [start, end) in the text ('offsets', in "
            + "Unicode code points, as Hugging Face's Python tokenizers reports them; [0, 0] for special tokens), "
            + "'type_ids' and 'special_tokens_mask'.")
    boolean offsets;

    @Option(names = "--decode", description = "Decode ids back to text instead (see above).")
    boolean decode;

    @Option(names = "--skip-special-tokens", description = "With --decode: leave out special tokens such as [CLS].")
    boolean skipSpecialTokens;

    @Override
    public Integer call() throws Exception {
        if (maxLength < 0) {
            throw new IllegalArgumentException("--max-length must be positive, got " + maxLength);
        }
        LoadedTokenizer loaded = ModelLoader.tokenizer(model);
        Tokenizer tokenizer = loaded.tokenizer();
        int limit = maxLength > 0 ? maxLength : loaded.maxLength().orElse(0);
        if (limit > 0 && limit < tokenizer.addedTokens(false)) {
            throw new IllegalArgumentException("--max-length " + limit + " leaves no room for the "
                    + tokenizer.addedTokens(false) + " special tokens the tokenizer adds");
        }
        if (decode) {
            decode(tokenizer);
            return Gale.OK;
        }
        try (BufferAllocator allocator = new RootAllocator();
             TableSource source = TableSource.open(io.input, io.inputFormat(), io.column, List.of(), 1024, allocator);
             AtomicOutput output = AtomicOutput.file(io.output);
             JsonGenerator json = new JsonFactory().createGenerator(output.stream(), JsonEncoding.UTF8)) {
            json.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
            json.setRootValueSeparator(null); // lines end with our '\n', no space before the next
            ArrowReader reader = source.reader();
            long row = 0;
            while (reader.loadNextBatch()) {
                long first = row;
                var text = reader.getVectorSchemaRoot().getVector(io.column);
                try (TokenColumn column = TokenColumn.tokenize(text, tokenizer, limit, truncate, allocator,
                        r -> source.where(first + r))) {
                    String[] texts = offsets ? TokenColumn.texts(text, r -> source.where(first + r)) : null;
                    write(json, column.ids(), texts, tokenizer, limit);
                    row += column.rows();
                }
            }
            json.flush();
            output.commit();
        }
        return Gale.OK;
    }

    private void write(JsonGenerator json, ListVector ids, String[] texts, Tokenizer tokenizer, int limit)
            throws IOException {
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
                if (texts != null) {
                    writeOffsets(json, texts[r], tokenizer.encode(texts[r], null,
                            EncodeOptions.builder().maxLength(limit).build()));
                }
            }
            json.writeEndObject();
            json.writeRaw('\n');
        }
    }

    private static void writeOffsets(JsonGenerator json, String text, Encoding encoding) throws IOException {
        json.writeArrayFieldStart("offsets");
        for (int t = 0; t < encoding.length(); t++) {
            json.writeStartArray();
            json.writeNumber(codePoints(text, encoding.offsetStart(t)));
            json.writeNumber(codePoints(text, encoding.offsetEnd(t)));
            json.writeEndArray();
        }
        json.writeEndArray();
        json.writeArrayFieldStart("type_ids");
        for (int v : encoding.typeIds()) {
            json.writeNumber(v);
        }
        json.writeEndArray();
        json.writeArrayFieldStart("special_tokens_mask");
        for (int v : encoding.specialTokensMask()) {
            json.writeNumber(v);
        }
        json.writeEndArray();
    }

    // A UTF-16 offset as a code point offset (what Python's str indexes).
    private static int codePoints(String text, int utf16) {
        return text.codePointCount(0, Math.min(utf16, text.length()));
    }

    private void decode(Tokenizer tokenizer) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        try (InputStream in = io.input.equals("-") ? System.in : Files.newInputStream(Path.of(io.input));
             BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                     .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)));
             AtomicOutput output = AtomicOutput.file(io.output);
             JsonGenerator json = new JsonFactory().createGenerator(output.stream(), JsonEncoding.UTF8)) {
            json.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
            json.setRootValueSeparator(null); // lines end with our '\n', no space before the next
            String where = io.input.equals("-") ? "stdin" : io.input;
            long number = 0;
            for (String line = readLine(lines, where, number + 1); line != null; line = readLine(lines, where, number + 1)) {
                number++;
                json.writeStartObject();
                int[] ids = ids(line, mapper, where + ":" + number);
                json.writeFieldName("text");
                if (ids == null) {
                    json.writeNull();
                } else {
                    json.writeString(tokenizer.decode(ids, skipSpecialTokens));
                }
                json.writeEndObject();
                json.writeRaw('\n');
            }
            json.flush();
            output.commit();
        }
    }

    private static String readLine(BufferedReader lines, String where, long number) throws IOException {
        try {
            return lines.readLine();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new BadInputException(where + ":" + number + ": invalid UTF-8");
        }
    }

    /** The ids on one input line; null for a JSON object whose 'ids' is null (a null text). */
    private static int[] ids(String line, ObjectMapper mapper, String where) {
        String trimmed = line.strip();
        if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
            JsonNode node;
            try {
                node = mapper.readTree(trimmed);
            } catch (IOException e) {
                throw new BadInputException(where + ": not valid JSON");
            }
            if (node.isObject()) {
                if (!node.has("ids")) {
                    throw new BadInputException(where + ": no 'ids' field (expected {\"ids\": [...]})");
                }
                node = node.get("ids");
                if (node.isNull()) {
                    return null;
                }
            }
            if (!node.isArray()) {
                throw new BadInputException(where + ": 'ids' is " + node.getNodeType().toString().toLowerCase()
                        + " (expected an array of token ids)");
            }
            int[] ids = new int[node.size()];
            for (int i = 0; i < ids.length; i++) {
                JsonNode id = node.get(i);
                if (!id.canConvertToInt() || !id.isIntegralNumber() || id.intValue() < 0) {
                    throw new BadInputException(where + ": id " + id + " at position " + i
                            + " is not a token id (expected a non-negative integer)");
                }
                ids[i] = id.intValue();
            }
            return ids;
        }
        if (trimmed.isEmpty()) {
            return new int[0];
        }
        String[] parts = trimmed.split("[\\s,]+");
        try {
            return Arrays.stream(parts).mapToInt(Integer::parseInt).peek(id -> {
                if (id < 0) {
                    throw new NumberFormatException();
                }
            }).toArray();
        } catch (NumberFormatException e) {
            throw new BadInputException(where + ": '" + (trimmed.length() > 40 ? trimmed.substring(0, 37) + "..." : trimmed)
                    + "' is not a list of token ids (expected numbers separated by spaces or commas, or JSON)");
        }
    }
}

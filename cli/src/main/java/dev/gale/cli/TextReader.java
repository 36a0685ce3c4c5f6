package dev.gale.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads texts in order, one per line: plain lines or JSONL objects. Strict UTF-8: a malformed byte
 * sequence is an error naming the line, never a replacement character.
 */
final class TextReader implements AutoCloseable {

    /** One input line: its text, and for JSONL the other fields, kept for the output. */
    record Item(String text, ObjectNode fields, long line) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private final InputStream in;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private byte[] buffer = new byte[1 << 12];
    private final String name;
    private final boolean jsonl;
    private final String textField;
    private long line;

    TextReader(IoOptions io) throws IOException {
        this.in = new BufferedInputStream(io.input.equals("-") ? System.in : Files.newInputStream(Path.of(io.input)), 1 << 16);
        this.name = io.input.equals("-") ? "stdin" : io.input;
        this.jsonl = io.jsonl();
        this.textField = io.textField;
    }

    /** Up to {@code max} next items; an empty list at the end of the input. */
    List<Item> next(int max) throws IOException {
        List<Item> items = new ArrayList<>(max);
        while (items.size() < max) {
            String text = readLine();
            if (text == null) {
                if (line == 0) {
                    throw new BadInputException(name + ": empty input, expected one text per line");
                }
                break;
            }
            if (line == 1 && text.startsWith("\uFEFF")) {
                text = text.substring(1);
            }
            items.add(jsonl ? parse(text) : new Item(text, null, line));
        }
        return items;
    }

    /** The next line without its terminator (\n or \r\n), decoded as strict UTF-8; null at the end. */
    private String readLine() throws IOException {
        int length = 0;
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (length == buffer.length) {
                buffer = Arrays.copyOf(buffer, length * 2);
            }
            buffer[length++] = (byte) b;
        }
        if (b < 0 && length == 0) {
            return null;
        }
        line++;
        if (length > 0 && buffer[length - 1] == '\r') {
            length--;
        }
        try {
            return decoder.decode(ByteBuffer.wrap(buffer, 0, length)).toString();
        } catch (CharacterCodingException e) {
            throw new BadInputException(name + ":" + line + ": invalid UTF-8");
        }
    }

    /** Fails on a text the tokenizer had to truncate, when the user asked for no truncation. */
    void refuseTruncated(Item item, dev.gale.encoder.tokenizer.Tokenizer tokenizer, int maxLength) {
        int tokens = tokenizer.encode(item.text(), 0).ids().length;
        throw new BadInputException(name + ":" + item.line() + ": text has " + tokens + " tokens, more than the max length "
                + maxLength + " (--no-truncate was given)");
    }

    private Item parse(String text) {
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new BadInputException(name + ":" + line + ": not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (!(node instanceof ObjectNode object)) {
            throw new BadInputException(name + ":" + line + ": expected a JSON object with a '" + textField + "' field");
        }
        JsonNode value = object.get(textField);
        if (value == null || !value.isTextual()) {
            throw new BadInputException(name + ":" + line + ": field '" + textField + "' is "
                    + (value == null ? "missing" : value.getNodeType().toString().toLowerCase(java.util.Locale.ROOT) + ", expected a string"));
        }
        object.remove(textField);
        return new Item(value.asText(), object, line);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}

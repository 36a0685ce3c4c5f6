package dev.gale.encoder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The task-head fixtures of reference/heads_fixtures.py (reference/README.md, "Heads"): a head directory holds
 * the head model's config.json, head.safetensors (the head's own tensors), base-from.txt (the family folder
 * whose tokenizer and base model.safetensors it builds on), expected.jsonl.gz and, for sentence-transformers
 * models, their module files. {@link #assemble} puts them together as one sharded Hugging Face checkpoint.
 */
public final class HeadFixtures {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Set<String> NOT_COPIED = Set.of("head.safetensors", "base-from.txt", "expected.jsonl.gz", "task.txt", "tied.json");

    private HeadFixtures() {}

    /** Every head directory's name. */
    public static List<String> names() {
        try (Stream<Path> dirs = Files.list(HiddenStateFixtures.folder("heads"))) {
            return dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path folder(String name) {
        return HiddenStateFixtures.folder("heads/" + name);
    }

    public static String task(String name) throws IOException {
        return Files.readString(folder(name).resolve("task.txt")).strip();
    }

    public static List<JsonNode> records(String name) {
        return HiddenStateFixtures.jsonl(folder(name).resolve("expected.jsonl.gz"));
    }

    /**
     * {@code dir} as a checkpoint: the base folder's tokenizer files, the head's config and module files, and
     * model.safetensors.index.json mapping each tensor to base.safetensors (the family model) or head.safetensors.
     */
    public static Path assemble(String name, Path dir) throws IOException {
        Path head = folder(name);
        Path base = HiddenStateFixtures.folder(Files.readString(head.resolve("base-from.txt")).strip());
        Files.createDirectories(dir);
        for (String f : new String[]{"tokenizer.json", "tokenizer_config.json"}) {
            Files.copy(base.resolve(f), dir.resolve(f));
        }
        Files.copy(base.resolve("model.safetensors"), dir.resolve("base.safetensors"));
        try (Stream<Path> files = Files.walk(head)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Path rel = head.relativize(f);
                if (rel.getNameCount() == 1 && NOT_COPIED.contains(rel.toString()) && !rel.toString().equals("head.safetensors")) {
                    continue;
                }
                Path to = dir.resolve(rel.toString());
                Files.createDirectories(to.getParent());
                Files.copy(f, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        ObjectNode index = MAPPER.createObjectNode();
        index.putObject("metadata");
        ObjectNode map = index.putObject("weight_map");
        for (String t : tensorNames(dir.resolve("base.safetensors"))) {
            map.put(t, "base.safetensors");
        }
        for (String t : tensorNames(dir.resolve("head.safetensors"))) {
            map.put(t, "head.safetensors");
        }
        Files.writeString(dir.resolve("model.safetensors.index.json"), MAPPER.writeValueAsString(index));
        return dir;
    }

    /** The tensor names in a safetensors file's header. */
    static List<String> tensorNames(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(len, 0);
            ByteBuffer header = ByteBuffer.allocate((int) len.getLong(0));
            ch.read(header, 8);
            JsonNode root = MAPPER.readTree(new String(header.array(), StandardCharsets.UTF_8));
            List<String> names = new java.util.ArrayList<>();
            for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
                String n = it.next();
                if (!n.equals("__metadata__")) {
                    names.add(n);
                }
            }
            return names;
        }
    }
}

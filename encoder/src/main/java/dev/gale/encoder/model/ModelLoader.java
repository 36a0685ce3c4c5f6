package dev.gale.encoder.model;

import dev.gale.encoder.PoolingConfig;
import dev.gale.encoder.family.Families;
import dev.gale.encoder.nn.Encoder;
import dev.gale.encoder.nn.TaskHeads;
import dev.gale.encoder.tokenizer.Tokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Resolves a model given by path or name and reads it:
 * <ul>
 *   <li>a built-in alias ({@link BuiltinModel}): ONNX export + tokenizer.json from a jar on the class path;</li>
 *   <li>a Hugging Face directory: config.json, model.safetensors, tokenizer.json and, when present, the
 *       sentence-transformers files (modules.json, 1_Pooling/config.json, sentence_bert_config.json);</li>
 *   <li>an ONNX export: a .onnx file, or a directory holding model.onnx or onnx/model.onnx, with
 *       tokenizer.json (or NAME-tokenizer.json) beside it and, optionally, config.json.</li>
 * </ul>
 * Files are memory-mapped into the given arena; nothing is read whole onto the heap.
 */
public final class ModelLoader {
    /**
     * A directory where a built-in model's ONNX file, inflated from its jar, is kept as a plain file: the first load
     * writes it there, and later loads memory-map it instead of inflating the jar entry again (90 MB for
     * all-minilm-l6-v2, most of a second). Its name holds the jar entry's CRC-32 and size, so another jar gets
     * another file. Unset or empty: no cache. The {@code ./gale} launcher sets it to cli/target/models.
     */
    public static final String CACHE_PROPERTY = "gale.model.cache";

    private static final PoolingConfig SENTENCE_TRANSFORMERS_DEFAULT = new PoolingConfig(PoolingConfig.Mode.MEAN, false, 0);

    private ModelLoader() {}

    public static LoadedModel load(String spec, Arena arena) {
        Optional<BuiltinModel> builtin = builtin(spec);
        if (builtin.isPresent()) {
            return loadBuiltin(builtin.get(), arena);
        }
        Located located = locate(spec);
        return located.onnx() ? loadOnnxFile(located.weights(), located.dir(), arena)
                : loadSafetensorsDir(located.weights(), located.dir(), arena);
    }

    /**
     * Fails as {@link #load} would where {@code spec} names no model: an unknown alias, a built-in model whose jar is
     * not on the class path, a path that does not exist, a directory without weights or a file of another kind.
     * Reads no weights; a model that passes may still fail to load (a corrupt file, an unsupported architecture).
     */
    public static void checkExists(String spec) {
        Optional<BuiltinModel> builtin = builtin(spec);
        if (builtin.isPresent()) {
            resource(builtin.get(), builtin.get().onnxResource());
        } else {
            locate(spec);
        }
    }

    /**
     * The ONNX export that {@link #load} reads for {@code spec}, for runtimes that read ONNX themselves
     * (ONNX Runtime in {@code gale bench}): a class path resource for a built-in alias, else a file. Empty
     * for a safetensors model, which has none.
     */
    public static Optional<URL> onnxExport(String spec) {
        Optional<BuiltinModel> builtin = builtin(spec);
        if (builtin.isPresent()) {
            return Optional.of(resource(builtin.get(), builtin.get().onnxResource()));
        }
        Located located = locate(spec);
        if (!located.onnx()) {
            return Optional.empty();
        }
        try {
            return Optional.of(located.weights().toUri().toURL());
        } catch (java.net.MalformedURLException e) {
            throw new ModelLoadException(located.weights() + ": cannot name as a URL (" + e.getMessage() + ")", e);
        }
    }

    /**
     * The tokenizer of {@code spec} alone, never its weights, so it works for any model directory whatever
     * its architecture: a built-in alias; a directory with tokenizer.json; a tokenizer .json file; an ONNX
     * or safetensors file with tokenizer.json (or NAME-tokenizer.json) beside it.
     */
    public static LoadedTokenizer tokenizer(String spec) {
        Optional<BuiltinModel> builtin = builtin(spec);
        if (builtin.isPresent()) {
            BuiltinModel model = builtin.get();
            URL url = resource(model, model.tokenizerResource());
            try (InputStream in = open(url).getInputStream()) {
                return new LoadedTokenizer(model.tokenizerResource(), Tokenizer.fromJson(in, model.tokenizerResource()),
                        OptionalInt.of(model.maxLength()));
            } catch (IOException e) {
                throw new ModelLoadException(url + ": cannot read (" + e.getMessage() + ")", e);
            } catch (IllegalArgumentException e) {
                throw new ModelLoadException(e.getMessage(), e);
            }
        }
        Path path = Path.of(spec);
        Path file;
        if (Files.isDirectory(path)) {
            file = require(path.resolve("tokenizer.json"), "the tokenizer");
        } else if (Files.isRegularFile(path)) {
            String name = path.getFileName().toString();
            if (name.endsWith(".onnx") || name.endsWith(".safetensors")) {
                String stem = name.replaceFirst("\\.(onnx|safetensors)$", "");
                file = parent(path).resolve("tokenizer.json");
                if (!Files.isRegularFile(file) && Files.isRegularFile(parent(path).resolve(stem + "-tokenizer.json"))) {
                    file = parent(path).resolve(stem + "-tokenizer.json");
                }
                require(file, "the tokenizer (tokenizer.json or " + stem + "-tokenizer.json)");
            } else {
                file = path;
            }
        } else {
            throw new ModelLoadException("model '" + spec + "' is neither a built-in model (" + BuiltinModel.aliases()
                    + ") nor an existing file or directory");
        }
        Tokenizer tokenizer = tokenizer(file);
        Path dir = parent(file);
        OptionalInt maxLength = SentenceTransformersConfig.read(dir).maxSeqLength();
        if (maxLength.isEmpty()) {
            maxLength = TokenizerConfig.modelMaxLength(dir);
        }
        if (maxLength.isEmpty()) {
            maxLength = tokenizer.truncationMaxLength();
        }
        return new LoadedTokenizer(file.toString(), tokenizer, maxLength);
    }

    private static Optional<BuiltinModel> builtin(String spec) {
        // An existing file or directory wins over an alias of the same name, as in Hugging Face's from_pretrained.
        return Files.exists(Path.of(spec)) ? Optional.empty() : BuiltinModel.byAlias(spec);
    }

    /** A model's weights file (an ONNX export or model.safetensors) and the directory holding its other files. */
    private record Located(Path weights, Path dir) {
        boolean onnx() {
            return weights.getFileName().toString().endsWith(".onnx");
        }
    }

    private static Located locate(String spec) {
        Path path = Path.of(spec);
        if (Files.isDirectory(path)) {
            for (String weights : new String[]{"model.safetensors", "model.safetensors.index.json"}) {
                if (Files.isRegularFile(path.resolve(weights))) {
                    return new Located(path.resolve(weights), path);
                }
            }
            for (Path onnx : new Path[]{path.resolve("model.onnx"), path.resolve("onnx").resolve("model.onnx")}) {
                if (Files.isRegularFile(onnx)) {
                    return new Located(onnx, path);
                }
            }
            throw new ModelLoadException(path + ": no model.safetensors, model.safetensors.index.json, model.onnx or onnx/model.onnx"
                    + " in this directory");
        }
        if (Files.isRegularFile(path)) {
            String file = path.getFileName().toString();
            if (file.endsWith(".onnx")) {
                return new Located(path, parent(path));
            }
            if (file.endsWith(".safetensors") || file.endsWith(".safetensors.index.json")) {
                return new Located(path, parent(path));
            }
            throw new ModelLoadException(path + ": unknown model file type (expected a .onnx or .safetensors file, or a model directory)");
        }
        throw new ModelLoadException("model '" + spec + "' is neither a built-in model (" + BuiltinModel.aliases()
                + ") nor an existing file or directory");
    }

    private static Path parent(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        return parent == null ? Path.of(".") : parent;
    }

    private static LoadedModel loadSafetensorsDir(Path weightsFile, Path dir, Arena arena) {
        HfConfig config = HfConfig.read(require(dir.resolve("config.json"), "the model's config"));
        Families.of(config);   // an unsupported model_type fails before the weights are mapped
        Map<String, Tensor> tensors = weightsFile.getFileName().toString().endsWith(".index.json")
                ? SafeTensors.readSharded(weightsFile, arena) : SafeTensors.read(weightsFile, arena);
        Encoder encoder = Families.build(config, tensors, weightsFile.toString());
        TaskHeads heads = Families.heads(config, tensors, weightsFile.toString(), encoder);
        Tokenizer tokenizer = tokenizer(require(dir.resolve("tokenizer.json"), "the tokenizer"));
        return withDefaults(dir.getFileName() == null ? dir.toString() : dir.getFileName().toString(), "safetensors",
                encoder, tokenizer, SentenceTransformersConfig.read(dir), null, TokenizerConfig.modelMaxLength(dir), heads, dir);
    }

    private static LoadedModel loadOnnxFile(Path onnx, Path dir, Arena arena) {
        OnnxExport.Contents contents = OnnxExport.read(map(onnx, arena), onnx.toString());
        Path configJson = dir.resolve("config.json");
        HfConfig config = Files.isRegularFile(configJson) ? HfConfig.read(configJson) : contents.inferredHfConfig();
        String stem = onnx.getFileName().toString().replaceFirst("\\.onnx$", "");
        Path tokenizerJson = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(tokenizerJson) && Files.isRegularFile(dir.resolve(stem + "-tokenizer.json"))) {
            tokenizerJson = dir.resolve(stem + "-tokenizer.json");
        }
        Tokenizer tokenizer = tokenizer(require(tokenizerJson, "the tokenizer (tokenizer.json or " + stem + "-tokenizer.json)"));
        Encoder encoder = Families.build(config, contents.weights().tensors(), onnx.toString());
        return withDefaults(stem.equals("model") ? dir.getFileName().toString() : stem, "onnx", encoder,
                tokenizer, SentenceTransformersConfig.read(dir), null, TokenizerConfig.modelMaxLength(dir));
    }

    /** One of the built-in model's files, from its jar on the class path. */
    private static URL resource(BuiltinModel model, String name) {
        URL url = ModelLoader.class.getClassLoader().getResource(name);
        if (url == null) {
            throw new ModelLoadException("built-in model '" + model.alias() + "' needs the jar " + model.artifact()
                    + " on the class path (resource " + name + " not found)");
        }
        return url;
    }

    private static LoadedModel loadBuiltin(BuiltinModel model, Arena arena) {
        URL onnx = resource(model, model.onnxResource());
        URL tokenizerJson = resource(model, model.tokenizerResource());
        OnnxExport.Contents contents = OnnxExport.read(readResource(onnx, arena), onnx.toString());
        Tokenizer tokenizer;
        try (InputStream in = open(tokenizerJson).getInputStream()) {
            tokenizer = Tokenizer.fromJson(in, model.tokenizerResource());
        } catch (IOException e) {
            throw new ModelLoadException(tokenizerJson + ": cannot read (" + e.getMessage() + ")", e);
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException(e.getMessage(), e);
        }
        Encoder encoder = Families.build(contents.inferredHfConfig(), contents.weights().tensors(), onnx.toString());
        return withDefaults(model.alias(), "onnx", encoder, tokenizer, SentenceTransformersConfig.NONE, model, OptionalInt.empty());
    }

    /**
     * The max length as sentence-transformers picks it: sentence_bert_config.json's max_seq_length, else the
     * tokenizer's model_max_length (where 6.x's save() writes it), capped by the model's positions.
     */
    private static LoadedModel withDefaults(String name, String format, Encoder encoder, Tokenizer tokenizer,
                                            SentenceTransformersConfig st, BuiltinModel builtin, OptionalInt tokenizerMax) {
        return withDefaults(name, format, encoder, tokenizer, st, builtin, tokenizerMax,
                TaskHeads.none(name + ": task heads are read from safetensors checkpoints; this " + format + " model has none"), null);
    }

    private static LoadedModel withDefaults(String name, String format, Encoder encoder, Tokenizer tokenizer,
                                            SentenceTransformersConfig st, BuiltinModel builtin, OptionalInt tokenizerMax,
                                            TaskHeads heads, Path directory) {
        PoolingConfig pooling = st.pooling().orElse(builtin != null ? builtin.pooling() : null);
        boolean fromModel = pooling != null;
        OptionalInt maxLength = st.maxSeqLength();
        if (maxLength.isEmpty() && builtin != null) {
            maxLength = OptionalInt.of(builtin.maxLength());
        }
        if (maxLength.isEmpty()) {
            maxLength = tokenizerMax;
        }
        if (maxLength.isEmpty()) {
            maxLength = tokenizer.truncationMaxLength();
        }
        int max = Math.min(maxLength.orElse(encoder.maxLength()), encoder.maxLength());
        return new LoadedModel(name, format, encoder, tokenizer, fromModel ? pooling : SENTENCE_TRANSFORMERS_DEFAULT,
                fromModel, max, st, heads, directory);
    }

    private static Tokenizer tokenizer(Path file) {
        try {
            return Tokenizer.fromJson(file);
        } catch (IOException e) {
            throw new ModelLoadException(file + ": cannot read (" + e.getMessage().lines().findFirst().orElse("") + ")", e);
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException(e.getMessage(), e);
        }
    }

    private static Path require(Path file, String what) {
        if (!Files.isRegularFile(file)) {
            throw new ModelLoadException(file + ": missing (expected " + what + " here)");
        }
        return file;
    }

    private static MemorySegment map(Path file, Arena arena) {
        try (FileChannel channel = FileChannel.open(file)) {
            if (channel.size() == 0) {
                throw new ModelLoadException(file + ": file is empty");
            }
            return channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
        } catch (IOException e) {
            throw new ModelLoadException(file + ": cannot open (" + e.getMessage() + ")", e);
        }
    }

    private static URLConnection open(URL url) throws IOException {
        URLConnection connection = url.openConnection();
        connection.setUseCaches(false);
        return connection;
    }

    /** A class-path resource, mapped when it is a plain file, otherwise inflated into native memory. */
    private static MemorySegment readResource(URL url, Arena arena) {
        try {
            if (url.getProtocol().equals("file")) {
                return map(Path.of(url.toURI()), arena);
            }
            URLConnection connection = open(url);
            long size = connection instanceof JarURLConnection jar ? jar.getJarEntry().getSize() : connection.getContentLengthLong();
            if (size <= 0) {
                throw new ModelLoadException(url + ": unknown or empty resource size");
            }
            Path cached = connection instanceof JarURLConnection jar ? cachedCopy(jar) : null;
            if (cached != null && Files.isRegularFile(cached) && Files.size(cached) == size) {
                return map(cached, arena);
            }
            MemorySegment segment = inflate(url, connection, size, arena);
            if (cached != null) {
                keep(segment, cached);
            }
            return segment;
        } catch (IOException | java.net.URISyntaxException e) {
            throw new ModelLoadException(url + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    /** The file in {@link #CACHE_PROPERTY}'s directory for this jar entry, null when there is no cache. */
    private static Path cachedCopy(JarURLConnection jar) throws IOException {
        String dir = System.getProperty(CACHE_PROPERTY, "");
        if (dir.isEmpty()) {
            return null;
        }
        java.util.jar.JarEntry entry = jar.getJarEntry();
        String name = entry.getName().substring(entry.getName().lastIndexOf('/') + 1);
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name, extension = dot > 0 ? name.substring(dot) : "";
        return Path.of(dir).resolve(String.format(Locale.ROOT, "%s-%08x-%d%s", stem, entry.getCrc(), entry.getSize(), extension));
    }

    /** Writes {@code data} to {@code file} (a temporary file renamed into place), or nothing when it cannot: the cache only saves time. */
    private static void keep(MemorySegment data, Path file) {
        Path tmp = null;
        try {
            Files.createDirectories(file.getParent());
            tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = data.asByteBuffer();
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | UnsupportedOperationException e) {
            try {
                if (tmp != null) {
                    Files.deleteIfExists(tmp);
                }
            } catch (IOException ignored) {
                // nothing more to do: the next load inflates the jar entry again
            }
        }
    }

    /** The jar entry behind {@code connection}, inflated into native memory. */
    private static MemorySegment inflate(URL url, URLConnection connection, long size, Arena arena) throws IOException {
        MemorySegment segment = arena.allocate(size, 16);
        byte[] buffer = new byte[1 << 20];
        long pos = 0;
        try (InputStream in = connection.getInputStream()) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                if (pos + n > size) {
                    throw new ModelLoadException(url + ": resource is longer than its recorded size " + size);
                }
                MemorySegment.copy(buffer, 0, segment, ValueLayout.JAVA_BYTE, pos, n);
                pos += n;
            }
        }
        if (pos != size) {
            throw new ModelLoadException(url + ": read " + pos + " bytes, expected " + size + " (truncated jar?)");
        }
        return segment;
    }
}

package dev.gale.spark;

import dev.gale.encoder.EmbeddingModel;
import dev.gale.encoder.Reranker;
import dev.gale.encoder.TextClassifier;
import dev.gale.encoder.model.ModelLoadException;
import dev.gale.encoder.model.ModelLoader;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.sql.SparkSession;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The models of this JVM, one per {@link ModelSpec} and task: an executor loads a model the first time one of its
 * tasks asks for it, and every later task (of any job, stage or transformer with an equal spec) shares it. The
 * models are thread-safe and stay loaded for the executor's life, which is why this is a JVM-wide map and not a
 * field of a transformer: a transformer is serialized into every task, a loaded model must not be.
 */
public final class GaleModels {
    private record Key(Class<?> task, ModelSpec spec) {}

    private static final ConcurrentHashMap<Key, AutoCloseable> MODELS = new ConcurrentHashMap<>();
    private static final ConcurrentHashMap<ModelSpec, EmbeddingQueue> QUEUES = new ConcurrentHashMap<>();
    private static final Pattern LOCAL_MASTER = Pattern.compile("local\\[(\\d+|\\*)(?:,\\s*\\d+)?]");

    private GaleModels() {}

    public static EmbeddingModel embedding(ModelSpec spec) {
        return get(EmbeddingModel.class, spec, s -> EmbeddingModel.load(s.model(), s.embeddingOptions(threads(s))));
    }

    /** The executor's one queue to the embedding model of {@code spec} (see {@link EmbeddingQueue}). */
    static EmbeddingQueue embeddingQueue(ModelSpec spec) {
        return QUEUES.computeIfAbsent(spec, s -> new EmbeddingQueue(embedding(s), threads(s)));
    }

    public static Reranker reranker(ModelSpec spec) {
        return get(Reranker.class, spec, s -> Reranker.load(s.model(), s.taskOptions(threads(s))));
    }

    public static TextClassifier classifier(ModelSpec spec) {
        return get(TextClassifier.class, spec, s -> TextClassifier.load(s.model(), s.taskOptions(threads(s))));
    }

    @SuppressWarnings("unchecked")
    private static <T extends AutoCloseable> T get(Class<T> task, ModelSpec spec, Function<ModelSpec, T> load) {
        return (T) MODELS.computeIfAbsent(new Key(task, spec), k -> load.apply(k.spec()));
    }

    /**
     * In local mode, where the driver's JVM is the executor, fails now, as {@code who}'s bad input, where
     * {@code model} names no model ({@link ModelLoader#checkExists}); on a cluster the executors find the model, so
     * it is left to them. Whether {@code spark} runs in local mode is returned.
     */
    static boolean checkModelIfLocal(SparkSession spark, String model, String who) {
        if (!spark.sparkContext().isLocal()) {
            return false;
        }
        try {
            ModelLoader.checkExists(model);
        } catch (ModelLoadException e) {
            throw new IllegalArgumentException(who + ": " + e.getMessage(), e);
        }
        return true;
    }

    /**
     * Starts {@code load} on a thread of its own and returns at once. In local mode the driver's JVM is the
     * executor, so a transformer loads its model there while Spark plans the job and starts the first task, which
     * then finds it loaded (or waits for the rest of the load: the map holds one load per model). A load that fails
     * here is left for the task, which loads again and reports the error as its own.
     */
    static void loadAhead(Runnable load) {
        Thread t = new Thread(() -> {
            try {
                load.run();
            } catch (RuntimeException | Error e) {
                // the task's own load reports it
            }
        }, "gale-spark-load");
        t.setDaemon(true);
        t.start();
    }

    /** Whether this JVM holds the {@code task} model of {@code spec}. */
    static boolean isLoaded(Class<?> task, ModelSpec spec) {
        return MODELS.containsKey(new Key(task, spec));
    }

    /** How many models this JVM holds (tests check that tasks share them). */
    public static int loaded() {
        return MODELS.size();
    }

    /** Closes and forgets every model of this JVM; tasks still running on one fail. For tests and embedding hosts. */
    public static synchronized void closeAll() {
        for (ModelSpec s : QUEUES.keySet()) {
            EmbeddingQueue q = QUEUES.remove(s);
            if (q != null) {
                q.close();
            }
        }
        for (Key k : MODELS.keySet()) {
            AutoCloseable m = MODELS.remove(k);
            if (m != null) {
                try {
                    m.close();
                } catch (Exception e) {
                    throw new IllegalStateException("closing " + k.spec().model() + " failed", e);
                }
            }
        }
    }

    /**
     * Encoder threads for {@code spec}: its own count, else the cores this executor was given (spark.executor.cores;
     * N of a local[N] master), else every core the JVM sees. The executor's tasks share the one model, so its
     * threads are the executor's cores, not a task's.
     */
    static int threads(ModelSpec spec) {
        if (spec.threads() > 0) {
            return spec.threads();
        }
        int all = Runtime.getRuntime().availableProcessors();
        SparkEnv env = SparkEnv.get();
        if (env == null) {
            return all;
        }
        SparkConf conf = env.conf();
        if (conf.contains("spark.executor.cores")) {
            return Math.max(1, conf.getInt("spark.executor.cores", all));
        }
        Matcher m = LOCAL_MASTER.matcher(conf.get("spark.master", ""));
        if (m.matches() && !m.group(1).equals("*")) {
            return Math.max(1, Math.min(all, Integer.parseInt(m.group(1))));
        }
        return all;
    }
}

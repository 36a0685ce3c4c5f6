package dev.gale.cli;

import dev.gale.arrow.ScoringPipeline;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/**
 * Progress of a long run on stderr: a progress bar (rows, rows/s, tokens/s, ETA when the total is known)
 * that appears after the first two seconds, redrawn in place on a terminal and written as a line every
 * 10 s otherwise; then one summary line.
 */
final class Progress implements ScoringPipeline.Listener, AutoCloseable {
    /**
     * How a command's summary reads: its name (the bar's), what it did ("embedded"), and what a null input
     * gives ("null texts (null embeddings)").
     */
    record Words(String task, String done, String nulls) {
        static final Words EMBED = new Words("embed", "embedded", "null texts (null embeddings)");
    }

    private static final long QUIET_NANOS = 2_000_000_000L;

    private final PrintStream err;
    private final boolean enabled;
    private final String unit;
    private final Words words;
    private long total = -1;
    private final long start = System.nanoTime();
    private ProgressBar bar;
    private long rows;
    private long tokens;

    Progress(PrintStream err, boolean enabled, String unit, Words words) {
        this.err = err;
        this.enabled = enabled;
        this.unit = unit;
        this.words = words;
    }

    @Override
    public void started(long rows) {
        total = rows;
    }

    @Override
    public void written(int rows, long tokens) {
        this.rows += rows;
        this.tokens += tokens;
        if (!enabled) {
            return;
        }
        if (bar == null && System.nanoTime() - start > QUIET_NANOS) {
            bar = open();
        }
        if (bar != null) {
            bar.stepTo(this.rows);
            bar.setExtraMessage(String.format(Locale.ROOT, " %,.0f tokens/s", this.tokens / seconds()));
        }
    }

    private ProgressBar open() {
        boolean terminal = System.console() != null && System.console().isTerminal();
        ProgressBarBuilder builder = new ProgressBarBuilder()
                .setTaskName(words.task())
                .setInitialMax(total)
                .setUnit(" " + unit, 1)
                .showSpeed()
                .setSpeedUnit(java.time.temporal.ChronoUnit.SECONDS)
                .startsFrom(rows, Duration.ofNanos(System.nanoTime() - start))
                .setStyle(ProgressBarStyle.ASCII)
                .continuousUpdate();
        if (terminal) {
            builder.setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(err));
        } else {
            builder.setConsumer(new DelegatingProgressBarConsumer(err::println)).setUpdateIntervalMillis(10_000);
        }
        return builder.build();
    }

    private double seconds() {
        return Math.max(1e-9, (System.nanoTime() - start) / 1e9);
    }

    /** Closes the bar and prints the summary of a finished run. */
    void finish(ScoringPipeline.Summary s) {
        close();
        if (!enabled) {
            return;
        }
        double wall = s.wallNanos() / 1e9;
        err.println(String.format(Locale.ROOT, "%s %,d %s, %,d tokens in %.1f s (%,.0f %s/s, %,.0f tokens/s)",
                words.done(), s.rows(), unit, s.tokens(), wall, s.rows() / wall, unit, s.tokens() / wall)
                + (s.nulls() > 0 ? String.format(Locale.ROOT, ", %,d %s", s.nulls(), words.nulls()) : "")
                + (s.truncated() > 0 ? String.format(Locale.ROOT, ", %,d truncated to the max length", s.truncated()) : "")
                + String.format(Locale.ROOT, "; busy: read %.1f s, tokenize %.1f s, encode %.1f s, write %.1f s; Arrow buffers peak %.0f MB",
                s.readNanos() / 1e9, s.tokenizeNanos() / 1e9, s.encodeNanos() / 1e9, s.writeNanos() / 1e9, s.peakArrowBytes() / 1e6));
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}

package dev.gale.cli;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress of a long run on stderr: silent for the first seconds, then a line every few seconds
 * (rewritten in place on a terminal), and a summary at the end.
 */
final class Progress {
    private static final long QUIET_NANOS = 2_000_000_000L;
    private static final long EVERY_NANOS = 1_000_000_000L;

    private final PrintStream err;
    private final boolean enabled;
    private final boolean terminal = System.console() != null;
    private final long start = System.nanoTime();
    private long lastReport = start;
    private long texts;
    private long tokens;
    private long truncated;
    private boolean reported;

    Progress(PrintStream err, boolean enabled) {
        this.err = err;
        this.enabled = enabled;
    }

    void add(long texts, long tokens, long truncated) {
        this.texts += texts;
        this.tokens += tokens;
        this.truncated += truncated;
        long now = System.nanoTime();
        if (enabled && now - start > QUIET_NANOS && now - lastReport > (terminal ? EVERY_NANOS : 10 * EVERY_NANOS)) {
            lastReport = now;
            reported = true;
            err.print((terminal ? "\r" : "") + line(now) + (terminal ? "" : "\n"));
            err.flush();
        }
    }

    void finish(String verb) {
        if (reported && terminal) {
            err.print("\r\033[K");
        }
        if (enabled) {
            err.println(verb + " " + line(System.nanoTime()) + (truncated > 0 ? ", " + truncated + " truncated to the max length" : ""));
        }
    }

    private String line(long now) {
        double seconds = Math.max(1e-9, (now - start) / 1e9);
        return String.format(Locale.ROOT, "%,d texts, %,d tokens in %.1f s (%,.0f texts/s, %,.0f tokens/s)",
                texts, tokens, seconds, texts / seconds, tokens / seconds);
    }
}

package dev.gale.server;

import dev.gale.encoder.Scheduler;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * {@code GET /metrics}, in Prometheus' text format, under TEI's metric names where TEI has one
 * ({@code te_queue_size}, {@code te_batch_next_size}, {@code te_batch_next_tokens}, {@code te_request_duration},
 * ...), with the route and status as labels. One registry per server, never the global one.
 */
final class ServerMetrics implements Scheduler.Listener {

    private static final double[] SECONDS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    final Counter requests = Counter.builder().name("te_request").help("requests answered, by route and HTTP status")
            .labelNames("route", "status").register(registry);
    final Counter tokens = Counter.builder().name("te_request_tokens").help("tokens computed for successful requests, by route")
            .labelNames("route").register(registry);
    final Gauge inFlight = Gauge.builder().name("te_requests_in_flight").help("requests admitted and not yet answered").register(registry);
    final Gauge queueSize = Gauge.builder().name("te_queue_size").help("requests tokenized and waiting for the encoder").register(registry);
    final Histogram batchSize = Histogram.builder().name("te_batch_next_size").help("requests per encoder pass")
            .classicOnly().classicExponentialUpperBounds(1, 2, 10).register(registry);
    final Histogram batchTokens = Histogram.builder().name("te_batch_next_tokens").help("tokens per encoder pass")
            .classicOnly().classicExponentialUpperBounds(16, 2, 12).register(registry);
    final Histogram duration = histogram("te_request_duration", "whole request time, by route", true);
    final Histogram tokenization = histogram("te_request_tokenization_duration", "time tokenizing a request", false);
    final Histogram queue = histogram("te_request_queue_duration", "time a tokenized request waited for the encoder", false);
    final Histogram inference = histogram("te_request_inference_duration", "time of the encoder pass a request ran in", false);

    ServerMetrics() {
        // the JVM's and the process's own (jvm_memory_used_bytes, process_resident_memory_bytes, GC, threads)
        io.prometheus.metrics.instrumentation.jvm.JvmMetrics.builder().register(registry);
    }

    private Histogram histogram(String name, String help, boolean byRoute) {
        Histogram.Builder b = Histogram.builder().name(name).unit(io.prometheus.metrics.model.snapshots.Unit.SECONDS).help(help)
                .classicOnly().classicUpperBounds(SECONDS);
        if (byRoute) {
            b.labelNames("route");
        }
        return b.register(registry);
    }

    final Counter dropped = Counter.builder().name("te_request_dropped").help("queued requests dropped unrun because their client went away")
            .register(registry);

    /** False during the warm-up, whose batches are not the server's. */
    volatile boolean live;

    @Override
    public void dropped() {
        dropped.inc();
    }

    @Override
    public void batch(int jobs, long batchTokens, int stillQueued) {
        if (!live) {
            return;
        }
        batchSize.observe(jobs);
        this.batchTokens.observe(batchTokens);
        queueSize.set(stillQueued);
    }

    void answered(String route, int status) {
        requests.labelValues(route, Integer.toString(status)).inc();
    }

    /** The registry in the text format (version 0.0.4). */
    byte[] scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        try {
            writer.write(out, registry.scrape(), EscapingScheme.UNDERSCORE_ESCAPING);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    String contentType() {
        return writer.getContentType();
    }
}

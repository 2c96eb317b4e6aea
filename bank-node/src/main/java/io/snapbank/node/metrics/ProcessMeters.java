package io.snapbank.node.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The meters of one process, exposed in Prometheus' text format ({@link #scrape()}): a Micrometer
 * {@link PrometheusMeterRegistry} whose every meter carries the tag {@code bank=<prefix>}, with the
 * JVM's memory, GC, thread, class loading, CPU and uptime meters bound, and one daemon thread that
 * refreshes the Kafka clients' meters ({@link #kafkaRefresh()}, every {@link #KAFKA_REFRESH}). The
 * process's parts (nodes, the auditor) bind their own meters to {@link #registry()}. Thread-safe.
 */
public final class ProcessMeters implements AutoCloseable {
  /** How often the Kafka binders look for new Kafka metrics (partitions assigned, and so on). */
  public static final Duration KAFKA_REFRESH = Duration.ofSeconds(5);

  /** The content type of {@link #scrape()}. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusMeterRegistry registry;
  private final JvmGcMetrics gc;
  private final ScheduledExecutorService kafkaRefresh;

  /** The meters of a process of bank {@code prefix}. */
  public ProcessMeters(String prefix) {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().commonTags("bank", prefix);
    new JvmMemoryMetrics().bindTo(registry);
    gc = new JvmGcMetrics();
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    kafkaRefresh =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "kafka-meters");
              t.setDaemon(true);
              return t;
            });
  }

  /** The registry every part of the process binds its meters to. */
  public MeterRegistry registry() {
    return registry;
  }

  /** The thread the Kafka binders refresh their meters on (owned by this object). */
  public ScheduledExecutorService kafkaRefresh() {
    return kafkaRefresh;
  }

  /** Every meter now, in Prometheus' text exposition format ({@link #CONTENT_TYPE}). */
  public String scrape() {
    return registry.scrape();
  }

  /** Stops the refresh thread and the GC listener, and closes the registry. */
  @Override
  public void close() {
    kafkaRefresh.shutdownNow();
    gc.close();
    registry.close();
  }
}

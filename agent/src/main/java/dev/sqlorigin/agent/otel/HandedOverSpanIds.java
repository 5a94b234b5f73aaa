package dev.sqlorigin.agent.otel;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.sdk.trace.IdGenerator;

/**
 * Random IDs, except for a span whose ID was chosen earlier: a statement's comment carries its
 * traceparent before the span exists (a prepared statement's text is fixed at prepare time, its
 * span starts at execute), and the span must then have exactly that ID. The chosen ID is set on the
 * thread only for the duration of {@link #start}.
 */
final class HandedOverSpanIds implements IdGenerator {

  static final HandedOverSpanIds INSTANCE = new HandedOverSpanIds();
  private static final ThreadLocal<String> NEXT = new ThreadLocal<>();
  private final IdGenerator random = IdGenerator.random();

  private HandedOverSpanIds() {}

  /** Starts the span of {@code builder} with {@code spanId}, or a random one when null. */
  static Span start(SpanBuilder builder, String spanId) {
    if (spanId == null) {
      return builder.startSpan();
    }
    NEXT.set(spanId);
    try {
      return builder.startSpan();
    } finally {
      NEXT.remove();
    }
  }

  /** A fresh span ID for a traceparent to be handed over later. */
  String newSpanId() {
    return random.generateSpanId();
  }

  @Override
  public String generateSpanId() {
    String next = NEXT.get();
    if (next != null) {
      NEXT.remove();
      return next;
    }
    return random.generateSpanId();
  }

  @Override
  public String generateTraceId() {
    return random.generateTraceId();
  }
}

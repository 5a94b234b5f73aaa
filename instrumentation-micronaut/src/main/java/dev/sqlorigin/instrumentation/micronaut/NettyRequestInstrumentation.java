package dev.sqlorigin.instrumentation.micronaut;

import static dev.sqlorigin.instrumentation.MethodMatchers.isConstructor;
import static dev.sqlorigin.instrumentation.MethodMatchers.named;
import static dev.sqlorigin.instrumentation.MethodMatchers.takesArgument;
import static dev.sqlorigin.instrumentation.MethodMatchers.takesArguments;

import dev.sqlorigin.config.Config;
import dev.sqlorigin.context.RequestContext;
import dev.sqlorigin.instrumentation.Advice;
import dev.sqlorigin.instrumentation.TypeInstrumentation;
import dev.sqlorigin.lifecycle.RequestLifecycle;
import dev.sqlorigin.source.ServerRequests;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.server.netty.NettyHttpRequest;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import java.lang.reflect.Proxy;

/**
 * Starts the request when Micronaut's Netty server has read it (the {@code NettyHttpRequest} it
 * builds from Netty's), keeps its context in the request's attributes, and listens to the close of
 * the request's channel: Netty completes the channel's close future on the event loop the moment
 * the client's connection closes, whatever thread is blocked in JDBC. The listener is a {@link
 * Proxy} of Netty's {@code ChannelFutureListener} (no class of ours goes into the application's
 * loader); it is removed when the request ends, so a kept-alive connection does not collect them.
 */
public final class NettyRequestInstrumentation {

  /** The attribute that holds the close listener, to remove it when the request ends. */
  public static final String LISTENER_ATTRIBUTE = ServerRequests.CONTEXT_ATTRIBUTE + ".close";

  /** The classes changed, and how. */
  public static final TypeInstrumentation INSTRUMENTATION =
      TypeInstrumentation.classesNamed(
              NettyRequestInstrumentation.class, "io.micronaut.http.server.netty.NettyHttpRequest")
          .advise(
              isConstructor()
                  .and(takesArguments(5))
                  .and(takesArgument(0, "io.netty.handler.codec.http.HttpRequest"))
                  .and(takesArgument(2, "io.netty.channel.ChannelHandlerContext")),
              ReadAdvice.class)
          .advise(named("release").and(takesArguments(0)), ReleaseAdvice.class)
          .forVersions(MicronautInstrumentationModule.TITLE, 4, 5, null);

  private NettyRequestInstrumentation() {}

  public static class ReadAdvice {
    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void onExit(@Advice.This NettyHttpRequest<?> request) {
      HttpHeaders headers = request.getHeaders();
      String incomingId = null;
      for (String header : Config.current().requestIdHeaders()) {
        incomingId = headers.get(header);
        if (incomingId != null) {
          break;
        }
      }
      RequestContext context =
          ServerRequests.start(
              request.getMethodName(),
              request.getPath(),
              request.isSecure() ? "https" : "http",
              incomingId,
              headers.get(Config.current().requestStartHeader()),
              headers.get("traceparent"),
              headers.get("tracestate"));
      if (context == null) {
        return;
      }
      request.setAttribute(ServerRequests.CONTEXT_ATTRIBUTE, context);
      ChannelFutureListener listener =
          (ChannelFutureListener)
              Proxy.newProxyInstance(
                  ChannelFutureListener.class.getClassLoader(),
                  new Class<?>[] {ChannelFutureListener.class},
                  ServerRequests.closeListener(context));
      request.setAttribute(LISTENER_ATTRIBUTE, listener);
      ChannelFuture closed = request.getChannelHandlerContext().channel().closeFuture();
      closed.addListener(listener);
    }
  }

  public static class ReleaseAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void onEnter(@Advice.This NettyHttpRequest<?> request) {
      Object listener = request.getAttribute(LISTENER_ATTRIBUTE).orElse(null);
      if (listener instanceof ChannelFutureListener) {
        request
            .getChannelHandlerContext()
            .channel()
            .closeFuture()
            .removeListener((ChannelFutureListener) listener);
      }
      Object held = request.getAttribute(ServerRequests.CONTEXT_ATTRIBUTE).orElse(null);
      if (held instanceof RequestContext) {
        // Answered already (see ResponseInstrumentation), unless it failed before a response.
        RequestLifecycle.complete((RequestContext) held, 0, null);
      }
    }
  }

  /** The context of {@code request}, or null. */
  static RequestContext context(HttpRequest<?> request) {
    Object held = request.getAttribute(ServerRequests.CONTEXT_ATTRIBUTE).orElse(null);
    return held instanceof RequestContext ? (RequestContext) held : null;
  }
}

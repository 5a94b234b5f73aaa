package dev.sqlorigin.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlorigin.context.CurrentRequest;
import dev.sqlorigin.context.RequestContext;
import dev.sqlorigin.lifecycle.RequestLifecycle;
import dev.sqlorigin.lifecycle.RequestObserver;
import dev.sqlorigin.lifecycle.RequestRegistry;
import dev.sqlorigin.lifecycle.RequestStart;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.dynamic.loading.ClassLoadingStrategy;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The servlet advice is written once, against {@code jakarta.servlet}; the {@code javax.servlet}
 * twin applies it with the package renamed. Each namespace's real {@code HttpServlet}, woven and
 * loaded, starts, tags and ends a request, and refers to nothing of the other namespace.
 */
class ServletNamespacesTest {

  private static final List<String> EVENTS = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void observe() {
    RequestLifecycle.observe(
        new RequestObserver() {
          @Override
          public void requestStarted(RequestContext context, RequestStart start) {
            EVENTS.add("started " + context.route() + " " + context.requestId());
          }

          @Override
          public void requestEnded(RequestContext context, int status, Throwable thrown) {
            EVENTS.add("ended " + context.route() + " " + context.requestId());
          }
        });
  }

  @ParameterizedTest
  @ValueSource(strings = {"jakarta.servlet", "javax.servlet"})
  void oneAdviceServesBothServletNamespaces(String servlet) throws Exception {
    String target = servlet + ".http.HttpServlet";
    byte[] woven = weave(target);
    String other = servlet.startsWith("javax") ? "jakarta/servlet" : "javax/servlet";
    String text = new String(woven, StandardCharsets.ISO_8859_1);
    assertFalse(text.contains(other), target + " refers to " + other);
    assertTrue(text.contains("dev/sqlorigin/lifecycle/RequestLifecycle"), "not woven");

    ClassLoader loader = new WovenFirst(target, woven, getClass().getClassLoader());
    Class<?> httpServlet = loader.loadClass(target);
    Object instance =
        new ByteBuddy()
            .subclass(httpServlet)
            .make()
            .load(loader, ClassLoadingStrategy.Default.CHILD_FIRST)
            .getLoaded()
            .getDeclaredConstructor()
            .newInstance();
    Map<String, String> headers = new ConcurrentHashMap<>();
    String id = "twin-" + servlet;
    Object request = request(loader, servlet, id);
    Object response = response(loader, servlet, headers);
    Method service =
        httpServlet.getMethod(
            "service",
            loader.loadClass(servlet + ".ServletRequest"),
            loader.loadClass(servlet + ".ServletResponse"));
    service.invoke(instance, request, response);

    assertEquals(id, headers.get("X-Request-Id"), "the request ID is echoed");
    assertEquals(
        List.of("started GET /shop/owners " + id, "ended GET /shop/owners " + id),
        EVENTS.stream().filter(event -> event.endsWith(" " + id)).toList());
    assertNull(CurrentRequest.get(), "nothing stays bound");
    assertTrue(
        RequestRegistry.snapshot().stream().noneMatch(context -> context.requestId().equals(id)),
        "nothing stays registered");
  }

  private byte[] weave(String target) throws Exception {
    ClassLoader loader = getClass().getClassLoader();
    try (InputStream in = loader.getResourceAsStream(target.replace('.', '/') + ".class")) {
      byte[] woven =
          new Weaver(Instrumentations.ALL)
              .transform(
                  loader.getUnnamedModule(),
                  loader,
                  target.replace('.', '/'),
                  null,
                  null,
                  in.readAllBytes());
      assertNotNull(woven, target + " was not woven");
      return woven;
    }
  }

  /** {@code GET /shop/owners} with an {@code X-Request-Id}, as a container would pass it. */
  private static Object request(ClassLoader loader, String servlet, String id) throws Exception {
    Class<?> type = loader.loadClass(servlet + ".http.HttpServletRequest");
    @SuppressWarnings({"unchecked", "rawtypes"})
    Object dispatch =
        Enum.valueOf((Class) loader.loadClass(servlet + ".DispatcherType"), "REQUEST");
    Map<String, Object> answers =
        Map.of(
            "getMethod", "GET",
            "getProtocol", "HTTP/1.1",
            "getDispatcherType", dispatch,
            "getContextPath", "/shop",
            "getServletPath", "/owners",
            "getRequestURI", "/shop/owners",
            "getScheme", "http",
            "getLocalPort", 8080,
            "getRemotePort", 50123);
    return Proxy.newProxyInstance(
        loader,
        new Class<?>[] {type},
        (proxy, method, args) -> {
          if (method.getName().equals("getHeader")) {
            return "X-Request-Id".equalsIgnoreCase((String) args[0]) ? id : null;
          }
          return answers.containsKey(method.getName())
              ? answers.get(method.getName())
              : empty(method.getReturnType());
        });
  }

  /** A response that keeps the headers set on it. */
  private static Object response(ClassLoader loader, String servlet, Map<String, String> headers)
      throws Exception {
    Class<?> type = loader.loadClass(servlet + ".http.HttpServletResponse");
    return Proxy.newProxyInstance(
        loader,
        new Class<?>[] {type},
        (proxy, method, args) -> {
          if (method.getName().equals("setHeader")) {
            headers.put((String) args[0], (String) args[1]);
          }
          return empty(method.getReturnType());
        });
  }

  private static Object empty(Class<?> type) {
    if (type == boolean.class) {
      return false;
    }
    if (type == int.class) {
      return 0;
    }
    if (type == long.class) {
      return 0L;
    }
    return null;
  }
}

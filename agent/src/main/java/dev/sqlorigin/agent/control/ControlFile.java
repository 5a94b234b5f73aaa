package dev.sqlorigin.agent.control;

import dev.sqlorigin.config.Config;
import dev.sqlorigin.control.RoutePattern;
import dev.sqlorigin.log.AgentLog;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The operator's control file ({@code sqlorigin.control-file}), one for a whole fleet: a Kubernetes
 * ConfigMap mounted as a volume, a shared volume, a file baked into the image. It holds {@code
 * routes.blocked}, {@code routes.max-concurrent}, {@code request.timeout} and {@code log.level}
 * (with or without the {@code sqlorigin.} prefix), in the {@code .properties} format; each key it
 * holds replaces the JVM's own setting.
 *
 * <p>Watched by polling its attributes twice a second, following links: a ConfigMap is updated by
 * swapping a symbolic link, which file-system events on the file itself do not report. A change is
 * read once its attributes have stayed the same for one poll (so that a file being written is not
 * taken half-way), and applied within a second. A file that is missing, unreadable, over {@value
 * #MAX_BYTES} bytes, changing while read, or malformed keeps the last good state, and says why in
 * one line (once per problem, not per poll). Nothing listens on the network.
 */
public class ControlFile implements Runnable {

  static final int MAX_BYTES = 64 * 1024;
  static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
  // File systems keep modification times in ticks of a few milliseconds (some in seconds): a file
  // rewritten within one tick with the same size looks unchanged. A file read while its time was
  // this recent is read again once it is older.
  static final long RACY_MILLIS = 2_000;

  /** The keys a control file may hold. */
  static final List<String> KEYS =
      List.of("routes.blocked", "routes.max-concurrent", "request.timeout", "log.level");

  private static final String PREFIX = "sqlorigin.";

  /** A file's content, checked: what the JVM applies. */
  public static final class Settings {
    /** The file's entries, by key without the prefix, values trimmed. */
    final Map<String, String> entries;

    /** The JVM's settings with the file's over them. */
    final Config config;

    /** null where the file does not hold the key. */
    final Set<RoutePattern> blocked;

    final Map<RoutePattern, Integer> limits;

    Settings(
        Map<String, String> entries,
        Config config,
        Set<RoutePattern> blocked,
        Map<RoutePattern, Integer> limits) {
      this.entries = entries;
      this.config = config;
      this.blocked = blocked;
      this.limits = limits;
    }
  }

  private final Path path;
  private final Supplier<Map<?, ?>> properties;
  private final Map<String, String> environment;
  private final Function<Settings, String> apply;

  // Attributes seen at the last poll; those and the content last read whole (applied, or refused).
  private Snapshot seen;
  private Snapshot handled;
  private boolean racy;
  private byte[] handledContent;
  private Map<String, String> appliedEntries = Collections.emptyMap();
  // The last problem reported, so that a problem that persists is said once.
  private String reported;

  ControlFile(
      Path path,
      Supplier<Map<?, ?>> properties,
      Map<String, String> environment,
      Function<Settings, String> apply) {
    this.path = path;
    this.properties = properties;
    this.environment = environment;
    this.apply = apply;
  }

  /**
   * Reads the file once now (so that a JVM starting during an incident serves its first request
   * under the fleet's blocks), then watches it on a daemon thread. {@code apply} applies a checked
   * content and returns what it did beyond the entries (appended to the line logged).
   */
  public static void start(String file, Function<Settings, String> apply) {
    ControlFile control =
        new ControlFile(Path.of(file), System::getProperties, System.getenv(), apply);
    control.poll(true);
    Thread thread = new Thread(control, "sqlorigin-control-file");
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void run() {
    while (!Thread.currentThread().isInterrupted()) {
      try {
        TimeUnit.NANOSECONDS.sleep(POLL_NANOS);
      } catch (InterruptedException e) {
        return;
      }
      try {
        poll(false);
      } catch (Throwable t) {
        AgentLog.warnOnce("control-file", "the control file watch failed a round; it goes on", t);
      }
    }
  }

  /**
   * One look at the file: applies its content when it changed and has settled ({@code first}: at
   * once). Package-private for the tests, which call it instead of waiting for the thread.
   */
  void poll(boolean first) {
    Snapshot now;
    try {
      now = Snapshot.of(path);
    } catch (NoSuchFileException e) {
      seen = null;
      report(
          appliedEntries.isEmpty() && handled == null
              ? "does not exist (yet); the JVM's own settings apply until it does"
              : "is gone; keeping the last good state");
      return;
    } catch (IOException | RuntimeException e) {
      seen = null;
      report("cannot be read (" + e + "); keeping the last good state");
      return;
    }
    boolean settled = now.equals(seen) || first;
    seen = now;
    if (now.equals(handled) && !(racy && !now.recent())) {
      clearReport();
      return;
    }
    if (!settled) {
      return; // changed since the last poll: read it once it has stayed the same for one
    }
    if (now.size > MAX_BYTES) {
      report(
          "is "
              + now.size
              + " bytes, over the "
              + MAX_BYTES
              + " accepted; keeping the last good state");
      return;
    }
    byte[] content;
    Snapshot after;
    try {
      content = read(path);
      after = Snapshot.of(path);
    } catch (AccessDeniedException e) {
      report("cannot be read (permission denied); keeping the last good state");
      return;
    } catch (IOException | RuntimeException e) {
      report("cannot be read (" + e + "); keeping the last good state");
      return;
    }
    if (!after.equals(now) || content.length != now.size) {
      // A writer is at work: read it again once it has settled.
      seen = after;
      report("changed while it was read; keeping the last good state and reading it again");
      return;
    }
    racy = now.recent();
    if (java.util.Arrays.equals(content, handledContent)) {
      handled = now;
      clearReport();
      return;
    }
    Settings settings;
    try {
      settings = parse(content);
    } catch (IllegalArgumentException e) {
      // The same bad content is not parsed again until it changes.
      handled = now;
      handledContent = content;
      report(e.getMessage() + "; keeping the last good state");
      return;
    }
    handled = now;
    handledContent = content;
    Map<String, String> previous = appliedEntries;
    appliedEntries = settings.entries;
    reported = null;
    String effects = apply.apply(settings);
    String changes = changes(previous, settings.entries);
    AgentLog.info(
        "control file "
            + path
            + (first ? " read: " : " changed: ")
            + (changes.isEmpty() ? "no setting changed" : changes)
            + effects);
  }

  /** The file's content as settings, or why not (an IllegalArgumentException's message). */
  Settings parse(byte[] content) {
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(java.nio.ByteBuffer.wrap(content))
              .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("is not UTF-8 text");
    }
    Properties read = new Properties();
    try {
      read.load(new StringReader(text));
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "is not in the .properties format (" + e.getMessage() + ")");
    }
    Map<String, String> entries = new TreeMap<>();
    for (String name : read.stringPropertyNames()) {
      String key = name.startsWith(PREFIX) ? name.substring(PREFIX.length()) : name;
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException(
            "holds '"
                + printable(name)
                + "', which a control file cannot set (it takes "
                + String.join(", ", KEYS)
                + ")");
      }
      if (entries.put(key, read.getProperty(name).strip()) != null) {
        throw new IllegalArgumentException("holds " + key + " twice (with and without sqlorigin.)");
      }
    }
    // The JVM's settings, the file's over them: Config parses and checks every value as it does at
    // start-up.
    Map<Object, Object> merged = new HashMap<>(properties.get());
    entries.forEach((key, value) -> merged.put(PREFIX + key, value));
    Config config = Config.load(merged, environment);
    List<String> problems = new ArrayList<>();
    for (String key : entries.keySet()) {
      String problem = config.problem(PREFIX + key);
      if (problem != null) {
        problems.add(key + "=" + problem);
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("is malformed: " + String.join("; ", problems));
    }
    return new Settings(
        Collections.unmodifiableMap(entries),
        config,
        entries.containsKey("routes.blocked") ? config.blockedRoutes() : null,
        entries.containsKey("routes.max-concurrent") ? config.routeLimits() : null);
  }

  /** {@code key: old → new} for each key the file set, changed or dropped. */
  static String changes(Map<String, String> before, Map<String, String> after) {
    Map<String, String> keys = new LinkedHashMap<>();
    for (String key : KEYS) {
      String old = before.get(key);
      String now = after.get(key);
      if (!Objects.equals(old, now)) {
        keys.put(
            key,
            (old == null ? "(the JVM's setting)" : show(old))
                + " -> "
                + (now == null ? "(the JVM's setting)" : show(now)));
      }
    }
    List<String> parts = new ArrayList<>();
    keys.forEach((key, change) -> parts.add(key + ": " + change));
    return String.join("; ", parts);
  }

  private static String show(String value) {
    return value.isEmpty() ? "''" : printable(value);
  }

  private static String printable(String value) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < value.length() && out.length() < 200; i++) {
      char c = value.charAt(i);
      out.append(c >= 0x20 && c < 0x7F ? c : '?');
    }
    return out.toString();
  }

  private void report(String problem) {
    if (!problem.equals(reported)) {
      reported = problem;
      AgentLog.warn("control file " + path + " " + problem);
    }
  }

  private void clearReport() {
    reported = null;
  }

  /**
   * At most one byte more than accepted: enough to tell that the file grew past the limit.
   * Overridden by a test to change the file while it is read.
   */
  byte[] read(Path path) throws IOException {
    try (InputStream in = Files.newInputStream(path)) {
      return in.readNBytes(MAX_BYTES + 1);
    }
  }

  /** What tells that a file changed, without reading it. */
  static final class Snapshot {
    final Object fileKey;
    final long modifiedMillis;
    final long modifiedNanos;
    final long size;

    private Snapshot(Object fileKey, long modifiedMillis, long modifiedNanos, long size) {
      this.fileKey = fileKey;
      this.modifiedMillis = modifiedMillis;
      this.modifiedNanos = modifiedNanos;
      this.size = size;
    }

    static Snapshot of(Path path) throws IOException {
      // Links followed: a ConfigMap's file is a link into a directory that is swapped whole.
      BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
      if (!attributes.isRegularFile()) {
        throw new IOException("not a regular file");
      }
      return new Snapshot(
          attributes.fileKey(),
          attributes.lastModifiedTime().toMillis(),
          attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS),
          attributes.size());
    }

    boolean recent() {
      return System.currentTimeMillis() - modifiedMillis < RACY_MILLIS;
    }

    @Override
    public boolean equals(Object other) {
      if (!(other instanceof Snapshot)) {
        return false;
      }
      Snapshot that = (Snapshot) other;
      return Objects.equals(fileKey, that.fileKey)
          && modifiedNanos == that.modifiedNanos
          && size == that.size;
    }

    @Override
    public int hashCode() {
      return Objects.hash(fileKey, modifiedNanos, size);
    }
  }
}

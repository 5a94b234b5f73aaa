package dev.sqlorigin.cli.render;

import java.nio.charset.Charset;

/** The tree's lines and marks: box drawing where the output can encode it, ASCII otherwise. */
public record Glyphs(
    String branch, String last, String pipe, String blank, String dot, String times, String cycle) {

  public static final Glyphs UNICODE = new Glyphs("├─ ", "└─ ", "│  ", "   ", " · ", "×", "↺");
  public static final Glyphs ASCII = new Glyphs("|- ", "`- ", "|  ", "   ", " - ", "x", "<->");

  public static Glyphs forCharset(Charset charset) {
    return charset.newEncoder().canEncode("├─└│·×↺…") ? UNICODE : ASCII;
  }
}

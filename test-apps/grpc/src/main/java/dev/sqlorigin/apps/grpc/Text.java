package dev.sqlorigin.apps.grpc;

import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Messages as UTF-8 text: the probe's answers are {@code name=value} lines, which the tests read
 * without a protobuf schema. gRPC does not care what its messages are made of.
 */
final class Text implements MethodDescriptor.Marshaller<String> {

  static final Text MARSHALLER = new Text();

  private Text() {}

  @Override
  public InputStream stream(String value) {
    return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String parse(InputStream stream) {
    try {
      return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package dev.sqlorigin.cli.support;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Speaks just enough of PostgreSQL's wire protocol to say it is PostgreSQL 11: it accepts the
 * startup, reports {@code server_version} 11.22, and answers the {@code SET} pgjdbc sends to such a
 * server. pgjdbc reads the version from the startup's report.
 */
public final class OldServer implements AutoCloseable {

  private final ServerSocket socket;
  private final Thread thread;

  public OldServer() throws IOException {
    socket = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
    thread = new Thread(this::serve, "old-postgres");
    thread.setDaemon(true);
    thread.start();
  }

  public int port() {
    return socket.getLocalPort();
  }

  private void serve() {
    while (!socket.isClosed()) {
      try (Socket client = socket.accept()) {
        DataInputStream in = new DataInputStream(client.getInputStream());
        DataOutputStream out = new DataOutputStream(client.getOutputStream());
        while (true) {
          int length = in.readInt();
          int code = in.readInt();
          in.readFully(new byte[length - 8]);
          if (code == 80877103 || code == 80877104) {
            out.write('N'); // no SSL, no GSS encryption
            out.flush();
            continue;
          }
          break;
        }
        out.write('R');
        out.writeInt(8);
        out.writeInt(0); // authentication ok
        parameter(out, "server_version", "11.22");
        parameter(out, "server_encoding", "UTF8");
        parameter(out, "client_encoding", "UTF8");
        parameter(out, "DateStyle", "ISO, MDY");
        parameter(out, "integer_datetimes", "on");
        parameter(out, "standard_conforming_strings", "on");
        parameter(out, "TimeZone", "UTC");
        out.write('K');
        out.writeInt(12);
        out.writeInt(4711);
        out.writeInt(42);
        out.write('Z');
        out.writeInt(5);
        out.write('I');
        out.flush();
        // pgjdbc sets extra_float_digits on a server older than 12: every simple query gets
        // "SET" back, until the client goes (a Terminate, or the socket closing).
        int type;
        while ((type = in.read()) >= 0 && type != 'X') {
          in.readFully(new byte[in.readInt() - 4]);
          if (type == 'Q') {
            byte[] tag = "SET".getBytes(StandardCharsets.UTF_8);
            out.write('C');
            out.writeInt(4 + tag.length + 1);
            out.write(tag);
            out.write(0);
            out.write('Z');
            out.writeInt(5);
            out.write('I');
            out.flush();
          }
        }
      } catch (IOException e) {
        // a client went away, or the server is closing
      }
    }
  }

  private static void parameter(DataOutputStream out, String name, String value)
      throws IOException {
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    byte[] v = value.getBytes(StandardCharsets.UTF_8);
    out.write('S');
    out.writeInt(4 + n.length + 1 + v.length + 1);
    out.write(n);
    out.write(0);
    out.write(v);
    out.write(0);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}

package dev.sqlorigin.context;

/**
 * The TCP connection a request arrived on, as the container reports it. Local and remote ports
 * identify the socket in the kernel's table; a forwarded-header filter may rewrite the remote
 * address, rarely the remote port and never the local port, so the ports come first.
 */
public final class ClientSocket {

  private final int localPort;
  private final int remotePort;

  public ClientSocket(int localPort, int remotePort) {
    this.localPort = localPort;
    this.remotePort = remotePort;
  }

  public int localPort() {
    return localPort;
  }

  public int remotePort() {
    return remotePort;
  }

  @Override
  public String toString() {
    return localPort + "<-" + remotePort;
  }
}

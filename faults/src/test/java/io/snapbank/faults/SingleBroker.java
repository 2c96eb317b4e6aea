package io.snapbank.faults;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * One {@code snapbank broker} process on a fixed port and data directory, so a restart keeps the
 * data.
 */
final class SingleBroker implements Brokers {
  static final String READY = "Kafka broker running at";
  private final ManagedProcess member;
  private final int port;

  SingleBroker(Path dir, Consumer<String> exits) throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    member =
        new ManagedProcess(
            "broker-0",
            List.of(
                "broker",
                "--port",
                Integer.toString(port),
                "--data-dir",
                dir.resolve("broker-0-data").toString()),
            dir.resolve("broker-0.log"),
            exits);
  }

  @Override
  public void start() throws Exception {
    member.start();
    awaitServing(member);
  }

  @Override
  public String bootstrap() {
    return "127.0.0.1:" + port;
  }

  @Override
  public List<ManagedProcess> members() {
    return List.of(member);
  }

  @Override
  public ManagedProcess memberOfBroker(int brokerId) {
    return member;
  }

  @Override
  public void awaitServing(ManagedProcess m) throws Exception {
    if (!m.awaitLog(READY, 120)) {
      throw new IllegalStateException("broker did not start: " + m.lastWords());
    }
  }
}

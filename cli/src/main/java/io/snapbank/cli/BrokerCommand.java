package io.snapbank.cli;

import io.snapbank.broker.EmbeddedKafkaBroker;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "broker",
    mixinStandardHelpOptions = true,
    description =
        "Run a single-node Kafka broker (KRaft) in this process until Ctrl-C, for running the other"
            + " commands as separate processes on one machine.")
final class BrokerCommand implements Callable<Integer> {
  @Option(
      names = "--port",
      defaultValue = "${env:SNAPBANK_BROKER_PORT:-9092}",
      description = "Client port (default ${DEFAULT-VALUE}; 0 = any free port).")
  int port;

  @Option(
      names = "--data-dir",
      description =
          "Data directory, kept across runs (default: a temporary directory removed on exit).")
  Path dataDir;

  @Option(
      names = "--secure",
      description =
          "TLS and SASL/SCRAM-SHA-512 on the client port, every request authorized by ACLs (none"
              + " allowed unless granted); the super user's client config is written to"
              + " DATA-DIR/admin.properties (mode 600). Then run 'snapbank init --secure"
              + " --client-config DATA-DIR/admin.properties --credentials-dir DIR'.")
  boolean secure;

  @Override
  public Integer call() throws Exception {
    EmbeddedKafkaBroker.Builder b = EmbeddedKafkaBroker.builder().port(port);
    if (dataDir != null) {
      b.dataDir(dataDir);
    }
    if (secure) {
      b.secure();
    }
    EmbeddedKafkaBroker broker = b.start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  broker.close();
                  stopped.countDown();
                }));
    System.out.println(
        "Kafka broker running at "
            + broker.bootstrapServers()
            + " (data in "
            + broker.dataDir()
            + ")"
            + (broker.secure() ? "; secure: TLS, SASL/SCRAM-SHA-512, ACLs" : "")
            + "; Ctrl-C stops it");
    broker
        .adminConfigFile()
        .ifPresent(f -> System.out.println("admin client config (mode 600): " + f));
    stopped.await();
    return 0;
  }
}

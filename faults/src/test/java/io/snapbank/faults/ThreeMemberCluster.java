package io.snapbank.faults;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A three-member KRaft cluster, each member its own process: {@code snapbank broker --cluster-dir D
 * --member K}. Member K is Kafka node K + 1; its client address is read from the line it prints
 * when it serves. Fails fast when the launcher does not know {@code --cluster-dir}.
 */
final class ThreeMemberCluster implements Brokers {
  private static final Pattern ADDRESS = Pattern.compile("running at (\\S+?)[ ;(]");
  private final List<ManagedProcess> members = new ArrayList<>();
  private final List<String> addresses = new ArrayList<>();

  ThreeMemberCluster(Path dir, Consumer<String> exits) {
    Path clusterDir = dir.resolve("cluster");
    for (int k = 0; k < 3; k++) {
      members.add(
          new ManagedProcess(
              "broker-" + k,
              List.of("broker", "--cluster-dir", clusterDir.toString(), "--member", "" + k),
              dir.resolve("broker-" + k + ".log"),
              exits));
      addresses.add(null);
    }
  }

  @Override
  public void start() throws Exception {
    for (ManagedProcess m : members) {
      m.start();
    }
    for (ManagedProcess m : members) {
      awaitServing(m);
    }
  }

  @Override
  public String bootstrap() {
    return String.join(",", addresses);
  }

  @Override
  public List<ManagedProcess> members() {
    return List.copyOf(members);
  }

  /** Member k is Kafka node k + 1 (the cluster directory's spec numbers its members so). */
  @Override
  public ManagedProcess memberOfBroker(int brokerId) {
    if (brokerId < 1 || brokerId > members.size()) {
      throw new IllegalArgumentException("no member is Kafka node " + brokerId);
    }
    return members.get(brokerId - 1);
  }

  @Override
  public void awaitServing(ManagedProcess m) throws Exception {
    boolean up = m.awaitLog(SingleBroker.READY, 180);
    String log = Files.readString(m.log(), StandardCharsets.UTF_8);
    if (log.contains("Unknown option") && log.contains("'--cluster-dir'")) {
      throw new IllegalStateException(
          "-Dfaults.brokers=3 needs 'snapbank broker --cluster-dir D --member K', which this build"
              + " does not have; run with -Dfaults.brokers=1");
    }
    if (!up) {
      throw new IllegalStateException(m.name() + " did not start: " + m.lastWords());
    }
    Matcher a = ADDRESS.matcher(log.substring(log.lastIndexOf(SingleBroker.READY)));
    if (!a.find()) {
      throw new IllegalStateException(m.name() + " printed no client address");
    }
    addresses.set(members.indexOf(m), a.group(1));
  }
}

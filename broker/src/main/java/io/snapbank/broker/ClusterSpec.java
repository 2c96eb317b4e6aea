package io.snapbank.broker;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.common.Uuid;

/**
 * The fixed shape of a KRaft cluster of {@code brokers} combined broker+controller members on
 * 127.0.0.1: its cluster id and each member's node id, client port and controller port. Every
 * member is a voter of the controller quorum, so with three members any one of them (the active
 * controller included) may stop and the other two keep a quorum.
 *
 * <p>A cluster directory holds the spec in {@value #FILE} (Java properties, written once and never
 * changed) and member {@code k}'s data in {@code member-k/}:
 *
 * <pre>
 * cluster.id=&lt;22-character base64 Kafka cluster id&gt;
 * brokers=3
 * bootstrap.servers=127.0.0.1:9092,127.0.0.1:9094,127.0.0.1:9096
 * member.0.node.id=1
 * member.0.client.port=9092
 * member.0.controller.port=9093
 * member.1.node.id=2
 * ...
 * </pre>
 *
 * {@code bootstrap.servers} is derived from the members' client ports and written for readers that
 * want the client list without parsing the rest. The spec is created atomically: concurrent first
 * uses of one directory agree on the file of whichever wrote it first.
 */
public record ClusterSpec(String clusterId, List<Member> members) {
  /** The spec file's name in a cluster directory. */
  public static final String FILE = "cluster.properties";

  /** The largest cluster size supported. */
  public static final int MAX_BROKERS = 5;

  /** One member: its KRaft node id and its ports on 127.0.0.1. */
  public record Member(int nodeId, int clientPort, int controllerPort) {}

  public ClusterSpec {
    members = List.copyOf(members);
    requireSupportedSize(members.size());
  }

  /**
   * Fails with one line unless {@code brokers} is 1 or 3 to {@value #MAX_BROKERS}: a two-voter
   * quorum stops when either member stops, so two members would be less available than one.
   */
  public static void requireSupportedSize(int brokers) {
    if (brokers != 1 && (brokers < 3 || brokers > MAX_BROKERS)) {
      throw new IllegalArgumentException(
          "a cluster has 1 or 3 to "
              + MAX_BROKERS
              + " brokers, not "
              + brokers
              + (brokers == 2 ? " (two controllers lose their quorum when either stops)" : ""));
    }
  }

  /**
   * A new spec of {@code brokers} members with a fresh cluster id. Client ports are {@code
   * basePort}, {@code basePort + 2}, ... with the controller port right after each one, or free
   * ports when {@code basePort} is 0.
   */
  public static ClusterSpec create(int brokers, int basePort) {
    requireSupportedSize(brokers);
    List<Integer> free = basePort == 0 ? freePorts(2 * brokers) : List.of();
    List<Member> members = new ArrayList<>();
    for (int k = 0; k < brokers; k++) {
      int client = basePort == 0 ? free.get(2 * k) : basePort + 2 * k;
      int controller = basePort == 0 ? free.get(2 * k + 1) : basePort + 2 * k + 1;
      members.add(new Member(k + 1, client, controller));
    }
    return new ClusterSpec(Uuid.randomUuid().toString(), members);
  }

  public int brokers() {
    return members.size();
  }

  public Member member(int k) {
    if (k < 0 || k >= members.size()) {
      throw new IllegalArgumentException(
          "member " + k + " does not exist: the cluster has members 0.." + (members.size() - 1));
    }
    return members.get(k);
  }

  /** The members' client addresses, comma separated. */
  public String bootstrapServers() {
    return members.stream()
        .map(m -> "127.0.0.1:" + m.clientPort())
        .collect(Collectors.joining(","));
  }

  /** {@code controller.quorum.voters}: every member, {@code id@127.0.0.1:controllerPort}. */
  public String quorumVoters() {
    return members.stream()
        .map(m -> m.nodeId() + "@127.0.0.1:" + m.controllerPort())
        .collect(Collectors.joining(","));
  }

  /** Member {@code k}'s data directory in cluster directory {@code dir}. */
  public static Path memberDir(Path dir, int k) {
    return dir.resolve("member-" + k);
  }

  /**
   * The spec of cluster directory {@code dir}: the one it holds, or, when it holds none, {@link
   * #create create(brokers, basePort)} written there. Fails with one line when the directory holds
   * a cluster of another size ({@code brokers} 0: any size).
   */
  public static ClusterSpec loadOrCreate(Path dir, int brokers, int basePort) {
    Path file = dir.resolve(FILE);
    try {
      if (!Files.exists(file)) {
        Files.createDirectories(dir);
        ClusterSpec fresh = create(brokers == 0 ? 3 : brokers, basePort);
        Path tmp = Files.createTempFile(dir, FILE, ".tmp");
        Files.writeString(tmp, fresh.text(), StandardCharsets.UTF_8);
        try {
          Files.createLink(file, tmp); // atomic, and fails when another process was first
        } catch (FileAlreadyExistsException e) {
          // another first use won: read its spec below
        } finally {
          Files.deleteIfExists(tmp);
        }
      }
      ClusterSpec spec = read(file);
      if (brokers != 0 && spec.brokers() != brokers) {
        throw new IllegalArgumentException(
            "the cluster directory "
                + dir
                + " holds a cluster of "
                + spec.brokers()
                + " brokers, not "
                + brokers);
      }
      return spec;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot use the cluster directory " + dir + ": " + e.getMessage(), e);
    }
  }

  /** The spec written in {@code file}; fails with one line when it is missing or malformed. */
  public static ClusterSpec read(Path file) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the cluster spec " + file, e);
    }
    try {
      int n = Integer.parseInt(p.getProperty("brokers"));
      List<Member> members = new ArrayList<>();
      for (int k = 0; k < n; k++) {
        members.add(
            new Member(
                Integer.parseInt(p.getProperty("member." + k + ".node.id")),
                Integer.parseInt(p.getProperty("member." + k + ".client.port")),
                Integer.parseInt(p.getProperty("member." + k + ".controller.port"))));
      }
      String id = p.getProperty("cluster.id");
      if (id == null || id.isBlank()) {
        throw new IllegalArgumentException("no cluster.id");
      }
      return new ClusterSpec(id, members);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("malformed cluster spec " + file + ": " + e.getMessage());
    }
  }

  /**
   * The spec file's text: plain {@code key=value} lines, with nothing escaped (no value holds a
   * character that needs it), so that a shell or any tool reads {@code bootstrap.servers} as is.
   */
  private String text() {
    StringBuilder b = new StringBuilder("# snapbank KRaft cluster; written once, do not edit\n");
    b.append("cluster.id=").append(clusterId).append('\n');
    b.append("brokers=").append(brokers()).append('\n');
    b.append("bootstrap.servers=").append(bootstrapServers()).append('\n');
    for (int k = 0; k < members.size(); k++) {
      Member m = members.get(k);
      b.append("member.").append(k).append(".node.id=").append(m.nodeId()).append('\n');
      b.append("member.").append(k).append(".client.port=").append(m.clientPort()).append('\n');
      b.append("member.").append(k).append(".controller.port=").append(m.controllerPort());
      b.append('\n');
    }
    return b.toString();
  }

  /** {@code n} distinct free ports on 127.0.0.1, all held open until every one is chosen. */
  static List<Integer> freePorts(int n) {
    List<ServerSocket> held = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket();
        held.add(s);
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress("127.0.0.1", 0));
      }
      return held.stream().map(ServerSocket::getLocalPort).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find free ports: " + e.getMessage(), e);
    } finally {
      for (ServerSocket s : held) {
        try {
          s.close();
        } catch (IOException ignored) {
          // closing a probe socket cannot fail in a way that matters
        }
      }
    }
  }
}

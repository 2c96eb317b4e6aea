package io.snapbank.cli.security;

import io.snapbank.auditor.topology.AuditorTopics;
import io.snapbank.schemas.topic.BankTopics;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The least-privilege ACLs of one bank ({@link #of}): what each principal ({@link BankPrincipals})
 * may do, as data, and as Kafka {@link AclBinding}s. Nothing else is allowed: the broker denies
 * what no ACL grants. Topic names are literal, except the auditor's Kafka Streams resources, which
 * are the prefix {@code <application id>-} (its changelog topics and transactional ids) and its
 * group, {@code <application id>}.
 *
 * <ul>
 *   <li>node i: writes only its channel topic {@code transfers.<i>}, with only its transactional id
 *       {@code <prefix>-node-<i>} and its group {@code <prefix>-node-<i>}; reads the other nodes'
 *       channel topics, the snapshot requests and aborts, the epoch log, the genesis and the schema
 *       store; writes its reports, balances and quarantined records; reads and writes the
 *       node-state topic.
 *   <li>auditor: its Streams application's resources; reads the snapshot reports and requests, the
 *       genesis, the schema store, the epoch log, its deep-audits topic and (for deep audits) every
 *       channel topic; writes audit reports, aborts, scheduled requests, quarantined records and
 *       deep audits.
 *   <li>operator: writes snapshot requests; reads audit reports; for a restore, reads the genesis,
 *       the node states and the channel topics, writes the epoch log with the transactional id
 *       {@code <prefix>-epochs}, and describes the nodes' transactional ids; registers schemas
 *       (writes the schema store with the transactional id {@code <prefix>-schemas}).
 * </ul>
 *
 * <p>Only the admin ({@code init}) and the operator write the schema store: nodes and the auditor
 * read it. A release whose writer schemas are not registered yet stops at start with a line saying
 * to register them first ({@code snapbank schemas register DIR}), as with a schema registry whose
 * automatic registration is turned off.
 */
public final class BankAcls {
  private static final Set<AclOperation> READ =
      EnumSet.of(AclOperation.READ, AclOperation.DESCRIBE);
  private static final Set<AclOperation> WRITE =
      EnumSet.of(AclOperation.WRITE, AclOperation.DESCRIBE);
  private static final Set<AclOperation> READ_WRITE =
      EnumSet.of(AclOperation.READ, AclOperation.WRITE, AclOperation.DESCRIBE);

  /**
   * One row of the table: {@code principal} may do {@code operations} on the resource.
   *
   * @param principal the SCRAM user name ({@link BankPrincipals})
   * @param type topic, group or transactional id
   * @param name the resource's name, or its prefix when {@code pattern} is PREFIXED
   * @param pattern LITERAL or PREFIXED
   * @param operations what is allowed
   */
  public record Grant(
      String principal,
      ResourceType type,
      String name,
      PatternType pattern,
      Set<AclOperation> operations) {
    public Grant {
      operations = Set.copyOf(operations);
    }

    /** The Kafka ACLs of this row, one per operation, allowed from any host. */
    public List<AclBinding> bindings() {
      List<AclBinding> out = new ArrayList<>();
      for (AclOperation op : EnumSet.copyOf(operations)) {
        out.add(
            new AclBinding(
                new ResourcePattern(type, name, pattern),
                new AccessControlEntry(
                    BankPrincipals.user(principal), "*", op, AclPermissionType.ALLOW)));
      }
      return out;
    }
  }

  private BankAcls() {}

  /**
   * The grants of bank {@code topics} with {@code nodes} nodes whose auditor's Kafka Streams
   * application id is {@code auditorApplicationId}.
   */
  public static List<Grant> of(BankTopics topics, int nodes, String auditorApplicationId) {
    List<Grant> g = new ArrayList<>();
    String p = topics.prefix();
    for (int i = 0; i < nodes; i++) {
      String node = BankPrincipals.node(i);
      g.add(literal(node, ResourceType.TRANSACTIONAL_ID, p + "-node-" + i, WRITE));
      g.add(literal(node, ResourceType.GROUP, p + "-node-" + i, READ));
      g.add(topic(node, topics.transfers(i).name(), WRITE));
      for (int j = 0; j < nodes; j++) {
        if (j != i) {
          g.add(topic(node, topics.transfers(j).name(), READ));
        }
      }
      g.add(topic(node, topics.snapshotRequests().name(), READ));
      g.add(topic(node, topics.snapshotAborts().name(), READ));
      g.add(topic(node, topics.epochs().name(), READ));
      g.add(topic(node, topics.genesis().name(), READ));
      g.add(topic(node, topics.schemas().name(), READ));
      g.add(topic(node, topics.nodeState().name(), READ_WRITE));
      g.add(topic(node, topics.snapshotReports().name(), WRITE));
      g.add(topic(node, topics.balances().name(), WRITE));
      g.add(topic(node, topics.quarantine().name(), WRITE));
    }
    String a = BankPrincipals.AUDITOR;
    String app = auditorApplicationId;
    g.add(literal(a, ResourceType.GROUP, app, READ));
    g.add(prefixed(a, ResourceType.TRANSACTIONAL_ID, app + "-", WRITE));
    g.add(
        prefixed(
            a,
            ResourceType.TOPIC,
            app + "-",
            EnumSet.of(
                AclOperation.CREATE,
                AclOperation.READ,
                AclOperation.WRITE,
                AclOperation.DESCRIBE)));
    g.add(topic(a, topics.snapshotReports().name(), READ));
    g.add(topic(a, topics.genesis().name(), READ));
    g.add(topic(a, topics.schemas().name(), READ));
    g.add(topic(a, topics.epochs().name(), READ));
    g.add(topic(a, topics.snapshotRequests().name(), READ_WRITE));
    g.add(topic(a, topics.auditReports().name(), READ_WRITE));
    g.add(topic(a, topics.snapshotAborts().name(), WRITE));
    g.add(topic(a, topics.quarantine().name(), WRITE));
    g.add(topic(a, new AuditorTopics(topics).deepAudits().name(), READ_WRITE));
    g.add(topic(a, new AuditorTopics(topics).inputs(), READ_WRITE));
    for (int j = 0; j < nodes; j++) {
      g.add(topic(a, topics.transfers(j).name(), READ));
    }
    String o = BankPrincipals.OPERATOR;
    g.add(topic(o, topics.snapshotRequests().name(), WRITE));
    g.add(topic(o, topics.auditReports().name(), READ));
    g.add(topic(o, topics.genesis().name(), READ));
    g.add(topic(o, topics.nodeState().name(), READ));
    g.add(topic(o, topics.epochs().name(), READ_WRITE));
    g.add(literal(o, ResourceType.TRANSACTIONAL_ID, p + "-epochs", WRITE));
    g.add(topic(o, topics.schemas().name(), READ_WRITE));
    g.add(literal(o, ResourceType.TRANSACTIONAL_ID, p + "-schemas", WRITE));
    for (int j = 0; j < nodes; j++) {
      g.add(topic(o, topics.transfers(j).name(), READ));
      g.add(
          literal(
              o,
              ResourceType.TRANSACTIONAL_ID,
              p + "-node-" + j,
              EnumSet.of(AclOperation.DESCRIBE)));
    }
    return g;
  }

  /** Every Kafka ACL of {@code grants}. */
  public static List<AclBinding> bindings(List<Grant> grants) {
    List<AclBinding> out = new ArrayList<>();
    grants.forEach(g -> out.addAll(g.bindings()));
    return out;
  }

  private static Grant topic(String principal, String name, Set<AclOperation> ops) {
    return literal(principal, ResourceType.TOPIC, name, ops);
  }

  private static Grant literal(
      String principal, ResourceType type, String name, Set<AclOperation> ops) {
    return new Grant(principal, type, name, PatternType.LITERAL, ops);
  }

  private static Grant prefixed(
      String principal, ResourceType type, String name, Set<AclOperation> ops) {
    return new Grant(principal, type, name, PatternType.PREFIXED, ops);
  }
}

package io.snapbank.cli.security;

import java.util.ArrayList;
import java.util.List;

/**
 * The Kafka principals of a secure bank, one per role: {@code node-<i>} for each node, {@code
 * auditor}, and {@code operator} (the CLI: snapshot requests, reports, restores). The names are the
 * SCRAM user names, so the principals are {@code User:<name>}. They are per cluster: every bank of
 * one cluster has the same principal names (see the README on what that leaves open).
 */
public final class BankPrincipals {
  public static final String AUDITOR = "auditor";
  public static final String OPERATOR = "operator";

  private BankPrincipals() {}

  /** The principal of node {@code i}. */
  public static String node(int i) {
    return "node-" + i;
  }

  /** Every principal of a bank of {@code nodes} nodes: the nodes, the auditor, the operator. */
  public static List<String> all(int nodes) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < nodes; i++) {
      out.add(node(i));
    }
    out.add(AUDITOR);
    out.add(OPERATOR);
    return out;
  }

  /** {@code User:<name>}, as ACLs name principals. */
  public static String user(String name) {
    return "User:" + name;
  }
}

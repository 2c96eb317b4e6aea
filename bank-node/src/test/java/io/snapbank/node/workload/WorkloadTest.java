package io.snapbank.node.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapbank.node.config.WorkloadConfig;
import io.snapbank.node.core.BankAccounts;
import io.snapbank.node.core.TransferOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class WorkloadTest {
  private static BankAccounts bank() {
    TreeMap<Integer, SortedMap<String, Long>> m = new TreeMap<>();
    for (int n = 0; n < 3; n++) {
      m.put(n, new TreeMap<>(Map.of("n" + n + "-a0", 10L, "n" + n + "-a1", 10L)));
    }
    return new BankAccounts(m);
  }

  private static List<TransferOrder> run(Workload w, long fromMs, long toMs, long backlog) {
    List<TransferOrder> out = new ArrayList<>();
    for (long t = fromMs; t <= toMs; t += 10) {
      w.due(t, backlog, out::add);
    }
    return out;
  }

  @Test
  void when_time_passes_then_orders_come_at_the_configured_rate_from_own_accounts() {
    Workload w = new Workload(new WorkloadConfig(200, 50, 0.5, 1, 1_000), 1, bank());
    List<TransferOrder> orders = run(w, 0, 1_000, 0);
    assertTrue(orders.size() >= 195 && orders.size() <= 200, "orders in 1 s: " + orders.size());
    assertTrue(orders.stream().allMatch(o -> o.fromAccount().startsWith("n1-")));
    assertTrue(orders.stream().allMatch(o -> o.amount() >= 1 && o.amount() <= 50));
    long remote = orders.stream().filter(o -> o.toNode() != 1).count();
    assertTrue(remote > 60 && remote < 140, "about half remote: " + remote);
    assertTrue(
        orders.stream().allMatch(o -> o.toAccount().startsWith("n" + o.toNode() + "-")),
        "targets are accounts of the target node");
  }

  @Test
  void when_the_backlog_is_over_the_bound_then_no_orders_are_made_nor_owed() {
    Workload w = new Workload(new WorkloadConfig(200, 50, 0.5, 1, 100), 1, bank());
    assertEquals(0, run(w, 0, 1_000, 101).size());
    List<TransferOrder> after = run(w, 1_010, 1_100, 0);
    assertTrue(after.size() <= 20, "nothing owed from the paused second: " + after.size());
  }

  @Test
  void when_two_workloads_have_one_seed_then_they_make_the_same_orders() {
    WorkloadConfig c = new WorkloadConfig(500, 99, 0.8, 42, 1_000);
    assertEquals(
        run(new Workload(c, 2, bank()), 0, 500, 0), run(new Workload(c, 2, bank()), 0, 500, 0));
  }
}

package io.snapbank.faults;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FaultSuiteTest {

  @Test
  void when_every_fault_kind_hits_a_bank_under_load_then_its_logs_pass_every_check()
      throws Exception {
    Verdict v = FaultSuite.run(FaultSettings.fromSystemProperties(), System.out);
    assertTrue(v.passed(), v.line());
  }
}

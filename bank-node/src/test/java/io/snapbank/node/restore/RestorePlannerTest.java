package io.snapbank.node.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RestorePlannerTest {
  @Test
  void when_every_record_of_the_cut_decodes_then_records_readable_passes() {
    RestoreCheck c = RestorePlanner.recordsReadable(List.of(), "b.schemas");
    assertTrue(c.passed());
    assertEquals(RestoreCheck.Rule.RECORDS_READABLE, c.rule());
    assertTrue(c.line().startsWith("PASS RECORDS_READABLE: "), c.line());
  }

  @Test
  void when_records_of_the_cut_have_unknown_writer_schemas_then_it_fails_naming_the_first_five() {
    List<String> unreadable = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      unreadable.add("channel 0->1 offset " + i + ": ChannelRecord: UNKNOWN_SCHEMA (...)");
    }
    RestoreCheck c = RestorePlanner.recordsReadable(unreadable, "b.schemas");
    assertFalse(c.passed());
    assertTrue(
        c.detail().startsWith("7 records this release cannot read (register their schemas in"),
        c.detail());
    assertTrue(c.detail().contains("offset 4:"), c.detail());
    assertFalse(c.detail().contains("offset 5:"), c.detail());
    assertTrue(c.detail().endsWith("; and 2 more"), c.detail());
  }
}

package io.snapbank.node.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeConfigTest {
  @Test
  void when_client_overrides_hold_credentials_then_to_string_shows_only_their_keys() {
    NodeConfig c =
        NodeConfig.of("b:1", "bank", 2)
            .withClientOverrides(
                Map.of(
                    "security.protocol",
                    "SASL_SSL",
                    "sasl.jaas.config",
                    "ScramLoginModule required username=\"node-2\" password=\"s3cret-value\";"));
    assertEquals("SASL_SSL", c.clientOverrides().get("security.protocol"));
    assertEquals("bank-node-2", c.transactionalId());
    String shown = c.toString();
    assertFalse(shown.contains("s3cret-value"), shown);
    assertTrue(shown.contains("[sasl.jaas.config, security.protocol] (values hidden)"), shown);
  }
}

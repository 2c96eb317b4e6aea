package io.snapbank.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecureBrokerTest {

  private static Map<String, Object> client(EmbeddedKafkaBroker b, Map<String, String> config) {
    Map<String, Object> c = new HashMap<>(config);
    c.put("bootstrap.servers", b.bootstrapServers());
    c.put("default.api.timeout.ms", "15000");
    c.put("request.timeout.ms", "5000");
    return c;
  }

  @Test
  void when_started_secure_then_the_admin_config_file_works_and_a_wrong_password_is_refused(
      @TempDir Path dir) throws Exception {
    Path data = dir.resolve("kafka");
    try (EmbeddedKafkaBroker broker =
        EmbeddedKafkaBroker.builder().dataDir(data).secure().start()) {
      assertTrue(broker.secure());
      Path file = broker.adminConfigFile().orElseThrow();
      assertEquals(data.resolve("admin.properties").toAbsolutePath(), file.toAbsolutePath());
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
      assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data)));
      assertEquals(
          "rw-------",
          PosixFilePermissions.toString(
              Files.getPosixFilePermissions(data.resolve("security/broker.key"))));
      Map<String, String> admin = ClientConfigFile.read(file);
      assertEquals("SASL_SSL", admin.get("security.protocol"));
      try (Admin a = Admin.create(client(broker, admin))) {
        a.createTopics(List.of(new NewTopic("t", Optional.of(1), Optional.empty())))
            .all()
            .get(30, TimeUnit.SECONDS);
      }
      Map<String, String> wrong = new HashMap<>(admin);
      wrong.put(
          "sasl.jaas.config",
          admin.get("sasl.jaas.config").replaceFirst("password=\"[^\"]*\"", "password=\"nope\""));
      try (Admin a = Admin.create(client(broker, wrong))) {
        ExecutionException e =
            assertThrows(
                ExecutionException.class,
                () -> a.describeCluster().nodes().get(30, TimeUnit.SECONDS));
        assertInstanceOf(SaslAuthenticationException.class, e.getCause());
        assertFalse(e.getCause().getMessage().contains("nope"), e.getCause().getMessage());
      }
    }
    try (EmbeddedKafkaBroker again = EmbeddedKafkaBroker.builder().dataDir(data).secure().start()) {
      try (Admin a =
          Admin.create(client(again, ClientConfigFile.read(data.resolve("admin.properties"))))) {
        assertTrue(a.listTopics().names().get(30, TimeUnit.SECONDS).contains("t"));
      }
    }
    IllegalStateException plain =
        assertThrows(
            IllegalStateException.class, () -> EmbeddedKafkaBroker.builder().dataDir(data).start());
    assertTrue(plain.getMessage().contains("was created with --secure"), plain.getMessage());
  }

  @Test
  void when_a_plain_data_dir_is_started_secure_then_it_is_refused_in_one_line(@TempDir Path dir) {
    EmbeddedKafkaBroker.builder().dataDir(dir).start().close();
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> EmbeddedKafkaBroker.builder().dataDir(dir).secure().start());
    assertTrue(e.getMessage().contains("was created without --secure"), e.getMessage());
  }
}

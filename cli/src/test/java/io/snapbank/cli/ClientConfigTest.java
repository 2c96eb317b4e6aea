package io.snapbank.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapbank.cli.security.ClientConfigs;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --client-config FILE}: bad files give one line naming the file, never its content. */
class ClientConfigTest {

  private static CliTest.Run withConfig(Path file) {
    return CliTest.run("report", "--bootstrap", "127.0.0.1:1", "--client-config", file.toString());
  }

  private static void oneLine(CliTest.Run r, String expected) {
    assertEquals(1, r.code(), r.out() + r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().startsWith("error: "), r.err());
    assertTrue(r.err().contains(expected), r.err());
    assertFalse(r.err().contains("\tat "), r.err());
  }

  @Test
  void when_the_file_is_missing_or_a_directory_then_one_line_names_it(@TempDir Path tmp) {
    Path missing = tmp.resolve("nope.properties");
    oneLine(withConfig(missing), "cannot read client config " + missing + ": no such file");
    oneLine(withConfig(tmp), "client config " + tmp + " is a directory");
  }

  @Test
  void when_the_file_cannot_be_read_then_one_line_says_permission_denied(@TempDir Path tmp)
      throws Exception {
    Path f = tmp.resolve("locked.properties");
    Files.writeString(f, "security.protocol=SASL_SSL\n");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("---------"));
    Assumptions.assumeFalse(Files.isReadable(f), "running as a user who reads any file (root)");
    oneLine(withConfig(f), "permission denied");
  }

  @Test
  void when_the_file_is_malformed_or_sets_what_snapbank_owns_then_it_is_refused_without_its_values(
      @TempDir Path tmp) throws Exception {
    Path escape = tmp.resolve("escape.properties");
    Files.writeString(escape, "sasl.jaas.config=secret-value \\uZZZZ\n");
    CliTest.Run bad = withConfig(escape);
    oneLine(bad, "is not a properties file");
    assertFalse(bad.err().contains("secret-value"), bad.err());
    Path txn = tmp.resolve("txn.properties");
    Files.writeString(txn, "security.protocol=SASL_SSL\ntransactional.id=someone-else\n");
    CliTest.Run owned = withConfig(txn);
    oneLine(owned, "setting 'transactional.id' is not taken");
    assertFalse(owned.err().contains("someone-else"), owned.err());
    Path empty = tmp.resolve("empty.properties");
    Files.writeString(empty, "# nothing\n");
    oneLine(withConfig(empty), "has no settings");
    Path binary = tmp.resolve("binary.properties");
    Files.write(binary, new byte[] {(byte) 0xC3, (byte) 0x28, '\n'});
    oneLine(withConfig(binary), "not UTF-8 text");
  }

  @Test
  void when_others_can_read_the_file_then_a_warning_names_it(@TempDir Path tmp) throws Exception {
    Path f = tmp.resolve("open.properties");
    Files.writeString(f, "security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\n");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Map<String, String> c =
        ClientConfigs.load(f, new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals("SCRAM-SHA-512", c.get("sasl.mechanism"));
    assertTrue(
        err.toString(StandardCharsets.UTF_8).contains("other users can read it (chmod 600 " + f),
        err.toString(StandardCharsets.UTF_8));
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    ByteArrayOutputStream quiet = new ByteArrayOutputStream();
    ClientConfigs.load(f, new PrintStream(quiet, true, StandardCharsets.UTF_8));
    assertEquals(0, quiet.size());
  }

  @Test
  void when_init_secure_lacks_what_it_needs_then_one_line_says_which(@TempDir Path tmp) {
    oneLine(
        CliTest.run("init", "--bootstrap", "127.0.0.1:1", "--secure"),
        "--secure needs --credentials-dir DIR");
    oneLine(
        CliTest.run(
            "init", "--bootstrap", "127.0.0.1:1", "--secure", "--credentials-dir", tmp.toString()),
        "--secure needs an admin's --client-config");
    oneLine(
        CliTest.run(
            "auditor", "--bootstrap", "127.0.0.1:1", "--http-token", "short", "--http-port", "-1"),
        "at least 16 characters");
  }
}

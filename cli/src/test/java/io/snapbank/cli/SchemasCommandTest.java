package io.snapbank.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapbank.node.kafka.BankSetup;
import io.snapbank.node.kafka.Releases;
import io.snapbank.node.kafka.SharedBroker;
import io.snapbank.schemas.ChannelRecord;
import io.snapbank.schemas.registry.SchemaFingerprint;
import io.snapbank.schemas.topic.BankTopics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code snapbank schemas list | check DIR | register DIR} on a real broker. */
class SchemasCommandTest {
  /**
   * Writes a release's schema directory to {@code dir}: this release's .avsc files, with the record
   * of {@code changed} replaced by it.
   */
  static void release(Path dir, Schema changed) {
    try {
      Files.createDirectories(dir);
      Path current = Path.of("").toAbsolutePath().getParent().resolve("schemas/src/main/avro");
      try (Stream<Path> files = Files.list(current)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          Files.copy(f, dir.resolve(f.getFileName()));
        }
      }
      Files.writeString(dir.resolve(changed.getName() + ".avsc"), changed.toString(true));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static CliTest.Run schemas(String prefix, String... args) {
    String[] all = new String[args.length + 5];
    all[0] = "schemas";
    System.arraycopy(args, 0, all, 1, args.length);
    all[args.length + 1] = "--bootstrap";
    all[args.length + 2] = SharedBroker.bootstrap();
    all[args.length + 3] = "--prefix";
    all[args.length + 4] = prefix;
    return CliTest.run(all);
  }

  @Test
  void when_schemas_are_listed_checked_and_registered_then_the_store_answers_by_subject(
      @TempDir Path tmp) throws Exception {
    String prefix = "schemas-cli";
    BankSetup.init(SharedBroker.bootstrap(), BankTopics.of(prefix), BankSetup.genesis(2, 1, 10, 0));

    CliTest.Run list = schemas(prefix, "list");
    assertEquals(0, list.code(), list.out() + list.err());
    assertTrue(list.out().startsWith("schema store schemas-cli.schemas: 11 subjects, 11 versions"));
    String current = SchemaFingerprint.of(ChannelRecord.getClassSchema()).hex();
    assertTrue(
        list.out()
            .contains("io.snapbank.schemas.ChannelRecord\n  v1   " + current + "  registered"),
        list.out());
    assertTrue(list.out().contains("by init"), list.out());

    Schema v2 = Releases.v2(ChannelRecord.class);
    Path good = tmp.resolve("v2");
    release(good, v2);
    CliTest.Run ok = schemas(prefix, "check", good.toString());
    assertEquals(0, ok.code(), ok.out() + ok.err());
    assertTrue(
        ok.out()
            .contains(
                "OK io.snapbank.schemas.ChannelRecord ("
                    + SchemaFingerprint.of(v2).hex()
                    + "): compatible both ways with versions 1..1 (would be version 2)"),
        ok.out());
    assertTrue(ok.out().contains("OK io.snapbank.schemas.AuditReport ("), ok.out());
    assertTrue(ok.out().contains("registered as version 1"), ok.out());
    assertTrue(ok.out().contains("compatible: 11 of 11 records of"), ok.out());

    Path bad = tmp.resolve("no-seq");
    release(bad, Releases.without(ChannelRecord.class, "seq"));
    CliTest.Run refused = schemas(prefix, "check", bad.toString());
    assertEquals(1, refused.code(), refused.out());
    assertTrue(
        refused.out().contains("INCOMPATIBLE io.snapbank.schemas.ChannelRecord ("), refused.out());
    assertTrue(
        refused.out().contains("readers of version 1 cannot read its records"), refused.out());
    assertTrue(refused.out().contains("not compatible: 10 of 11 records"), refused.out());
    CliTest.Run notRegistered = schemas(prefix, "register", bad.toString());
    assertEquals(1, notRegistered.code());
    assertEquals(1, notRegistered.err().strip().lines().count(), notRegistered.err());
    assertTrue(notRegistered.err().contains("nothing was registered"), notRegistered.err());

    CliTest.Run register = schemas(prefix, "register", good.toString());
    assertEquals(0, register.code(), register.out() + register.err());
    assertTrue(register.out().contains("registered io.snapbank.schemas.ChannelRecord v2 ("));
    assertTrue(register.out().strip().endsWith("1 registered, 10 already were"), register.out());
    CliTest.Run after = schemas(prefix, "list");
    assertTrue(
        after.out().startsWith("schema store schemas-cli.schemas: 11 subjects, 12 versions"));
    assertTrue(after.out().contains("by cli register v2"), after.out());
  }

  @Test
  void when_the_bank_or_the_directory_is_wrong_then_one_line_and_no_stack_trace(@TempDir Path tmp) {
    CliTest.Run none = schemas("no-such-bank", "list");
    assertEquals(1, none.code());
    assertEquals(1, none.err().strip().lines().count(), none.err());
    assertTrue(none.err().startsWith("error: bank 'no-such-bank' has no schema store"), none.err());

    CliTest.Run missing = schemas("no-such-bank", "check", tmp.resolve("nope").toString());
    assertEquals(1, missing.code());
    assertTrue(missing.err().startsWith("error: not a directory: "), missing.err());
    assertFalse(missing.err().contains("\tat "), missing.err());
  }
}

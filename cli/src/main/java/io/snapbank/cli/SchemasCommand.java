package io.snapbank.cli;

import io.snapbank.schemas.registry.RegisteredSchema;
import io.snapbank.schemas.registry.SchemaCheck;
import io.snapbank.schemas.registry.SchemaFiles;
import io.snapbank.schemas.registry.SchemaRegistry;
import io.snapbank.schemas.topic.BankTopics;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.apache.avro.Schema;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** The bank's schema store: what it holds, and whether another release's schemas fit it. */
@Command(
    name = "schemas",
    mixinStandardHelpOptions = true,
    description = {
      "The bank's schema store (<prefix>.schemas): every writer schema of the records in its log.",
      "Every process registers the schemas it writes with before its first record (on a secure bank,"
          + " init and the operator register, the others only read); a schema that is not compatible"
          + " both ways with every registered version of its record is refused."
    },
    subcommands = {
      SchemasCommand.ListSchemas.class,
      SchemasCommand.Check.class,
      SchemasCommand.Register.class
    })
final class SchemasCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  private static SchemaRegistry registry(KafkaOptions kafka) {
    SchemaRegistry r =
        new SchemaRegistry(kafka.bootstrap, kafka.clientConfig(), BankTopics.of(kafka.prefix));
    if (!r.exists()) {
      throw new IllegalStateException(
          "bank '"
              + kafka.prefix
              + "' has no schema store ("
              + BankTopics.of(kafka.prefix).schemas().name()
              + "); run 'snapbank init' first");
    }
    return r;
  }

  /** The records of a release's directory of .avsc files that are not part of another. */
  private static List<Schema> release(Path dir) {
    return new ArrayList<>(SchemaFiles.topLevel(SchemaFiles.parse(dir)).values());
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List the subjects (record names), their versions and fingerprints.")
  static final class ListSchemas implements Callable<Integer> {
    @Mixin KafkaOptions kafka;

    @Override
    public Integer call() {
      SchemaRegistry.Listing l = registry(kafka).list();
      Set<String> subjects = new TreeSet<>();
      l.schemas().forEach(r -> subjects.add(r.subject()));
      System.out.println(
          "schema store "
              + BankTopics.of(kafka.prefix).schemas().name()
              + ": "
              + subjects.size()
              + " subjects, "
              + l.schemas().size()
              + " versions");
      for (String subject : subjects) {
        System.out.println(subject);
        for (RegisteredSchema r : l.schemas()) {
          if (r.subject().equals(subject)) {
            System.out.printf(
                "  v%-3d %s  registered %s by %s%n",
                r.version(),
                r.fingerprint().hex(),
                Instant.ofEpochMilli(r.registeredAtMs()),
                r.registeredBy());
          }
        }
      }
      l.unreadable().forEach(u -> System.out.println("unreadable entry: " + u));
      return l.unreadable().isEmpty() ? 0 : 1;
    }
  }

  @Command(
      name = "check",
      mixinStandardHelpOptions = true,
      description = {
        "Check a directory of .avsc files (a release's schemas) against the schema store: every"
            + " record it defines must be compatible both ways with every registered version, so"
            + " the release can read the bank's whole log and older releases can read what it"
            + " writes.",
        "Exit code 0: compatible; 1: some record is not."
      })
  static final class Check implements Callable<Integer> {
    @Mixin KafkaOptions kafka;

    @Parameters(paramLabel = "DIR", description = "Directory of .avsc files.")
    Path dir;

    @Override
    public Integer call() {
      List<Schema> schemas = release(dir);
      SchemaRegistry registry = registry(kafka);
      List<SchemaCheck> checks = registry.check(schemas);
      checks.forEach(c -> System.out.println(c.line()));
      Set<String> defined = new TreeSet<>();
      schemas.forEach(s -> defined.add(s.getFullName()));
      Set<String> elsewhere = new TreeSet<>();
      registry.list().schemas().stream()
          .map(RegisteredSchema::subject)
          .filter(s -> !defined.contains(s))
          .forEach(elsewhere::add);
      elsewhere.forEach(
          s ->
              System.out.println(
                  "NOT IN DIR " + s + ": registered, but " + dir + " defines it not"));
      long bad = checks.stream().filter(c -> !c.acceptable()).count();
      System.out.println(
          (bad == 0 ? "compatible" : "not compatible")
              + ": "
              + (checks.size() - bad)
              + " of "
              + checks.size()
              + " records of "
              + dir
              + " fit the schemas of bank '"
              + kafka.prefix
              + "'");
      return bad == 0 ? 0 : 1;
    }
  }

  @Command(
      name = "register",
      mixinStandardHelpOptions = true,
      description = {
        "Register the records of a directory of .avsc files, as a process of that release does at"
            + " its start: for a log written by a release without the schema store, so that its"
            + " records can be read. Refused (nothing registered) when one is not compatible."
      })
  static final class Register implements Callable<Integer> {
    @Mixin KafkaOptions kafka;

    @Parameters(paramLabel = "DIR", description = "Directory of .avsc files.")
    Path dir;

    @Override
    public Integer call() {
      List<Schema> schemas = release(dir);
      SchemaRegistry.Registration r =
          new SchemaRegistry(kafka.bootstrap, kafka.clientConfig(), BankTopics.of(kafka.prefix))
              .register(schemas, "cli register " + dir.getFileName());
      r.added().forEach(a -> System.out.println("registered " + a.label()));
      r.existing().forEach(e -> System.out.println("already registered " + e.label()));
      System.out.println(
          r.added().size() + " registered, " + r.existing().size() + " already were");
      return 0;
    }
  }
}

package io.snapbank.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code snapbank} launcher: one command per process of the system, plus tools. */
@Command(
    name = "snapbank",
    mixinStandardHelpOptions = true,
    version = "snapbank 0.1.0",
    description = "A bank on Kafka that audits itself with Chandy-Lamport snapshots.",
    subcommands = {
      DemoCommand.class,
      BrokerCommand.class,
      InitCommand.class,
      NodeCommand.class,
      AuditorCommand.class,
      SnapshotCommand.class,
      RestoreCommand.class,
      MemberCommand.class,
      ReportCommand.class,
      WhyCommand.class,
      DiffCommand.class,
      SchemasCommand.class,
      VerifyCommand.class,
      ConformanceCommand.class,
      BenchCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs a command line and returns its exit code; user errors print one line, no stack trace. */
  public static int execute(String... args) {
    CommandLine cl = new CommandLine(new Main());
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setExecutionExceptionHandler(
        (ex, line, parsed) -> {
          line.getErr().println("error: " + UserErrors.describe(ex));
          if (System.getenv("SNAPBANK_DEBUG") != null) {
            ex.printStackTrace(line.getErr());
          }
          return 1;
        });
    return cl.execute(args);
  }
}

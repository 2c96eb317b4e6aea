package io.snapbank.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One long-running snapbank process ({@code io.snapbank.cli.Main} on this module's classpath), its
 * output appended to a log file. The harness kills, pauses, resumes, restarts and stops it; an exit
 * the harness did not cause is reported once to the sink given at construction.
 */
final class ManagedProcess {
  private final String name;
  private final List<String> args;
  private final Path log;
  private final Consumer<String> unexpectedExits;
  private final Set<Long> endedByHarness = ConcurrentHashMap.newKeySet();
  private volatile Process process;
  private int starts;

  ManagedProcess(String name, List<String> args, Path log, Consumer<String> unexpectedExits) {
    this.name = name;
    this.args = List.copyOf(args);
    this.log = log;
    this.unexpectedExits = unexpectedExits;
  }

  /** The command line of {@code io.snapbank.cli.Main} with {@code args}, in a new JVM. */
  static List<String> command(List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx256m");
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("io.snapbank.cli.Main");
    cmd.addAll(args);
    return cmd;
  }

  /** Runs a one-shot command to its end; returns its exit code (-1 if it outlived timeout). */
  static int runOnce(List<String> args, Path log, long timeoutSeconds) throws Exception {
    Process p =
        new ProcessBuilder(command(args))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      return -1;
    }
    return p.exitValue();
  }

  String name() {
    return name;
  }

  Path log() {
    return log;
  }

  /** Times the process was started after its first start. */
  int restarts() {
    return Math.max(0, starts - 1);
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process != null && process.isAlive();
  }

  /** Starts (or restarts) the process; watches its exit from now on. */
  synchronized void start() {
    try {
      Files.createDirectories(log.getParent());
      Files.writeString(
          log,
          "---- start " + (starts + 1) + " of " + name + "\n",
          StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
      Process p =
          new ProcessBuilder(command(args))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
      starts++;
      process = p;
      p.onExit()
          .thenAccept(
              x -> {
                if (!endedByHarness.contains(x.pid())) {
                  unexpectedExits.accept(
                      name + " exited on its own (exit " + x.exitValue() + "): " + lastWords());
                }
              });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** kill -9, waits for the end; nothing when it never started. */
  void kill() throws InterruptedException {
    Process p = process;
    if (p == null) {
      return;
    }
    endedByHarness.add(p.pid());
    p.destroyForcibly();
    p.waitFor();
  }

  /** kill -STOP. */
  void pause() throws Exception {
    signal("-STOP");
  }

  /** kill -CONT. */
  void resume() throws Exception {
    signal("-CONT");
  }

  /** SIGTERM (the process's shutdown hook stops it cleanly); kill -9 if it outlives timeout. */
  int stop(long timeoutSeconds) throws InterruptedException {
    Process p = process;
    if (p == null) {
      return 0;
    }
    endedByHarness.add(p.pid());
    p.destroy();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
    }
    return p.exitValue();
  }

  /** Waits until the log holds {@code text} after the latest start; false when the process died. */
  boolean awaitLog(String text, long timeoutSeconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    while (System.nanoTime() < deadline) {
      String s = Files.readString(log, StandardCharsets.UTF_8);
      int since = s.lastIndexOf("---- start " + starts + " of ");
      if (s.indexOf(text, Math.max(0, since)) >= 0) {
        return true;
      }
      if (!process.isAlive()) {
        return false;
      }
      Thread.sleep(100);
    }
    return false;
  }

  /** The log's last line that says "error" or "Exception", else its last line. */
  String lastWords() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      for (int i = lines.size() - 1; i >= 0 && i >= lines.size() - 200; i--) {
        String l = lines.get(i);
        if (l.contains("error") || l.contains("Exception")) {
          return l.strip();
        }
      }
      return lines.isEmpty() ? "(no output)" : lines.get(lines.size() - 1).strip();
    } catch (IOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
  }

  private void signal(String sig) throws Exception {
    int rc = new ProcessBuilder("kill", sig, Long.toString(pid())).inheritIO().start().waitFor();
    if (rc != 0) {
      throw new IllegalStateException(
          "kill " + sig + " " + pid() + " (" + name + ") failed: " + rc);
    }
  }
}

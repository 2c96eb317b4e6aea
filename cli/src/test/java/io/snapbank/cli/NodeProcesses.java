package io.snapbank.cli;

import java.nio.file.Path;

/** Bank nodes as separate processes of the real entry point ({@code snapbank node}). */
final class NodeProcesses {
  private NodeProcesses() {}

  /** Starts {@code snapbank node} for node {@code id}, appending its output to {@code log}. */
  static Process start(String bootstrap, String prefix, int id, Path log) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(
            java,
            "-Xmx256m",
            "-cp",
            System.getProperty("java.class.path"),
            "io.snapbank.cli.Main",
            "node",
            "--bootstrap",
            bootstrap,
            "--prefix",
            prefix,
            "--id",
            Integer.toString(id),
            "--rate",
            "300",
            "--commit-ms",
            "50")
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
  }
}

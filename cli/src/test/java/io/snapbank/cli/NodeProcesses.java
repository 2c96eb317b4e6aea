package io.snapbank.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Bank processes of the real entry point ({@code snapbank node}, {@code snapbank auditor}). */
final class NodeProcesses {
  private NodeProcesses() {}

  /** Starts {@code snapbank node} for node {@code id}, appending its output to {@code log}. */
  static Process start(String bootstrap, String prefix, int id, Path log) throws Exception {
    return launch(
        "-Xmx256m",
        List.of(
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
            "50"),
        log);
  }

  /**
   * Starts {@code snapbank auditor} with its state in {@code state}, snapshot files in {@code
   * snapshots}, no web page, snapshots timing out after {@code timeout} and {@code more} options,
   * appending its output to {@code log}.
   */
  static Process startAuditor(
      String bootstrap,
      String prefix,
      Path state,
      Path snapshots,
      String timeout,
      List<String> more,
      Path log)
      throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "auditor",
                "--bootstrap",
                bootstrap,
                "--prefix",
                prefix,
                "--state-dir",
                state.toString(),
                "--timeout",
                timeout,
                "--http-port",
                "-1",
                "--snapshot-dir",
                snapshots.toString()));
    args.addAll(more);
    return launch("-Xmx384m", args, log);
  }

  private static Process launch(String heap, List<String> args, Path log) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd =
        new ArrayList<>(
            List.of(
                java, heap, "-cp", System.getProperty("java.class.path"), "io.snapbank.cli.Main"));
    cmd.addAll(args);
    return new ProcessBuilder(cmd)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
  }
}

package io.snapbank.auditor.app;

import io.snapbank.auditor.config.AuditorConfig;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Runs the auditor as its own process: {@code BOOTSTRAP PREFIX STATE_DIR [TIMEOUT_MS]}. The {@code
 * snapbank auditor} command is the full-featured entry point; this one has no options beyond the
 * essentials. SIGTERM closes the auditor cleanly.
 */
public final class AuditorMain {
  private AuditorMain() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length < 3) {
      System.err.println("usage: BOOTSTRAP PREFIX STATE_DIR [TIMEOUT_MS]");
      System.exit(2);
    }
    AuditorConfig config =
        AuditorConfig.of(args[0], args[1], Path.of(args[2]))
            .withTimeout(Duration.ofMillis(args.length > 3 ? Long.parseLong(args[3]) : 30_000))
            .withPunctuateInterval(Duration.ofMillis(500));
    AuditorApp app = new AuditorApp(config);
    Runtime.getRuntime().addShutdownHook(new Thread(app::close));
    app.start();
    System.out.println(
        "auditor running: " + (app.awaitRunning(Duration.ofMinutes(2)) ? "yes" : "not yet"));
    Thread.currentThread().join();
  }
}

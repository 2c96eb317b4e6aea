package io.snapbank.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Removing what a command wrote under a working directory of its own. */
final class Directories {
  private Directories() {}

  /** Deletes {@code path} and everything under it; what cannot be deleted is left behind. */
  static void deleteQuietly(Path path) {
    try (Stream<Path> files = Files.walk(path)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException ignored) {
      // a temporary directory left behind is harmless
    }
  }
}

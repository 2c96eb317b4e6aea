package io.snapbank.node.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConformanceRunnerTest {

  /**
   * The shared COS 418 cases next to the repository when present, else the copy kept in test
   * resources.
   */
  static Path cos418() {
    Path repoRoot = Paths.get("").toAbsolutePath().getParent();
    for (Path p :
        List.of(
            repoRoot.resolve("../shared/conformance/cos418").normalize(),
            Paths.get("src/test/resources/conformance/cos418").toAbsolutePath())) {
      if (Files.isRegularFile(p.resolve("cases.tsv"))) {
        return p;
      }
    }
    throw new IllegalStateException("no cos418 conformance cases found");
  }

  private static String run(Path dir, ConformanceRunner.Summary[] summary) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    summary[0] = ConformanceRunner.run(dir, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void when_cos418_cases_replayed_then_every_expected_snapshot_matches_exactly()
      throws IOException {
    // cases.tsv of cos418 lists 6 expected snapshot files over 5 cases.
    ConformanceRunner.Summary[] s = new ConformanceRunner.Summary[1];
    String out = run(cos418(), s);
    assertEquals(6, s[0].passed(), out);
    assertEquals(0, s[0].failed(), out);
    assertTrue(out.strip().endsWith("6 passed, 0 failed"), out);
    assertEquals(7, out.strip().lines().count(), out);
  }

  @Test
  void when_one_expected_count_is_changed_then_that_snapshot_fails_with_the_difference(
      @TempDir Path tmp) throws IOException {
    Path copy = copyCases(tmp);
    Path snap = copy.resolve("3nodes-bidirectional-messages.snap");
    String text = Files.readString(snap).replace("N1 4", "N1 5");
    Files.writeString(snap, text);
    ConformanceRunner.Summary[] s = new ConformanceRunner.Summary[1];
    String out = run(copy, s);
    assertEquals(5, s[0].passed(), out);
    assertEquals(1, s[0].failed(), out);
    assertTrue(out.contains("FAIL 3nodes-bidirectional snapshot 0"), out);
    assertTrue(out.contains("node N1: expected 5 tokens, recorded 4"), out);
    assertTrue(out.strip().endsWith("5 passed, 1 failed"), out);
  }

  @Test
  void when_a_recorded_token_is_removed_from_expectation_then_channel_difference_is_reported(
      @TempDir Path tmp) throws IOException {
    Path copy = copyCases(tmp);
    Path snap = copy.resolve("3nodes-bidirectional-messages.snap");
    Files.writeString(snap, Files.readString(snap).replace("N1 N2 token(2)\n", ""));
    ConformanceRunner.Summary[] s = new ConformanceRunner.Summary[1];
    String out = run(copy, s);
    assertEquals(1, s[0].failed(), out);
    assertTrue(
        out.contains(
            "channel N1>N2: expected [token(3), token(1)], recorded [token(3), token(2), token(1)]"),
        out);
  }

  @Test
  void when_directory_lacks_cases_file_then_clear_format_error(@TempDir Path tmp) {
    CaseFormatException e =
        assertThrows(CaseFormatException.class, () -> run(tmp, new ConformanceRunner.Summary[1]));
    assertTrue(e.getMessage().contains("no cases.tsv"), e.getMessage());
  }

  @Test
  void when_events_line_is_malformed_then_error_names_file_and_line(@TempDir Path tmp)
      throws IOException {
    Path copy = copyCases(tmp);
    Files.writeString(copy.resolve("2nodes-simple.events"), "snapshot N1\nfly N1 N2\n");
    CaseFormatException e =
        assertThrows(CaseFormatException.class, () -> run(copy, new ConformanceRunner.Summary[1]));
    assertTrue(e.getMessage().contains("2nodes-simple.events:2"), e.getMessage());
  }

  private static Path copyCases(Path tmp) throws IOException {
    Path src = cos418();
    Path dst = tmp.resolve("cases");
    Files.createDirectories(dst);
    try (Stream<Path> files = Files.list(src)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.copy(f, dst.resolve(f.getFileName()));
      }
    }
    return dst;
  }
}

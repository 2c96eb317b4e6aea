package io.snapbank.node.conformance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** Parsers for the conformance files: cases.tsv, .top, .events, .snap and delays.txt. */
final class CaseFiles {
  private CaseFiles() {}

  /** One row of cases.tsv. */
  record Case(String name, String topology, String events, List<String> snapshots, long total) {}

  /** Nodes in file order with their opening tokens, and one-way links (src, dst). */
  record Topology(Map<String, Long> tokens, List<String[]> links) {}

  /** One scripted event: send, snapshot or tick. */
  record Event(String kind, String a, String b, long n, int line) {}

  /** One expected snapshot: id, node counts, and per channel "src dst" the ordered tokens. */
  record Snap(long id, SortedMap<String, Long> counts, SortedMap<String, List<Long>> channels) {}

  static List<String[]> lines(Path file) {
    List<String> raw;
    try {
      raw = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new CaseFormatException("cannot read " + file + ": " + e.getMessage());
    }
    List<String[]> out = new ArrayList<>();
    int n = 0;
    for (String line : raw) {
      n++;
      String t = line.strip();
      if (t.isEmpty()) {
        continue;
      }
      String[] f = t.split("\\s+");
      String[] withLine = Arrays.copyOf(f, f.length + 1);
      withLine[f.length] = Integer.toString(n);
      out.add(withLine);
    }
    return out;
  }

  private static int fields(String[] f) {
    return f.length - 1;
  }

  private static String where(Path file, String[] f) {
    return file.getFileName() + ":" + f[f.length - 1];
  }

  private static long number(Path file, String[] f, int i) {
    try {
      return Long.parseLong(f[i]);
    } catch (NumberFormatException e) {
      throw new CaseFormatException(where(file, f) + ": expected a number, got '" + f[i] + "'");
    }
  }

  static List<Case> cases(Path tsv) {
    List<Case> out = new ArrayList<>();
    List<String[]> rows = lines(tsv);
    for (int i = 0; i < rows.size(); i++) {
      String[] f = rows.get(i);
      if (i == 0 && f[0].equals("case")) {
        continue;
      }
      if (fields(f) != 5) {
        throw new CaseFormatException(
            where(tsv, f) + ": expected 5 columns (case topology events snapshots total)");
      }
      out.add(new Case(f[0], f[1], f[2], List.of(f[3].split(",")), number(tsv, f, 4)));
    }
    if (out.isEmpty()) {
      throw new CaseFormatException(tsv + ": no cases");
    }
    return out;
  }

  static Topology topology(Path file) {
    List<String[]> rows = new ArrayList<>();
    for (String[] f : lines(file)) {
      if (!f[0].startsWith("#")) {
        rows.add(f);
      }
    }
    if (rows.isEmpty()) {
      throw new CaseFormatException(file + ": empty topology");
    }
    long count = number(file, rows.get(0), 0);
    if (count < 1 || rows.size() < count + 1) {
      throw new CaseFormatException(file + ": declares " + count + " nodes but lists fewer");
    }
    Map<String, Long> tokens = new LinkedHashMap<>();
    for (int i = 1; i <= count; i++) {
      String[] f = rows.get(i);
      if (fields(f) != 2) {
        throw new CaseFormatException(where(file, f) + ": expected '<id> <tokens>'");
      }
      if (tokens.put(f[0], number(file, f, 1)) != null) {
        throw new CaseFormatException(where(file, f) + ": node " + f[0] + " listed twice");
      }
    }
    List<String[]> links = new ArrayList<>();
    for (int i = (int) count + 1; i < rows.size(); i++) {
      String[] f = rows.get(i);
      if (fields(f) != 2) {
        throw new CaseFormatException(where(file, f) + ": expected '<src> <dst>'");
      }
      for (int k = 0; k < 2; k++) {
        if (!tokens.containsKey(f[k])) {
          throw new CaseFormatException(where(file, f) + ": unknown node " + f[k]);
        }
      }
      if (!f[0].equals(f[1])) {
        links.add(new String[] {f[0], f[1]});
      }
    }
    return new Topology(tokens, links);
  }

  static List<Event> events(Path file) {
    List<Event> out = new ArrayList<>();
    for (String[] f : lines(file)) {
      int line = Integer.parseInt(f[f.length - 1]);
      switch (f[0]) {
        case "send" -> {
          if (fields(f) != 4) {
            throw new CaseFormatException(where(file, f) + ": expected 'send A B n'");
          }
          out.add(new Event("send", f[1], f[2], number(file, f, 3), line));
        }
        case "snapshot" -> {
          if (fields(f) != 2) {
            throw new CaseFormatException(where(file, f) + ": expected 'snapshot X'");
          }
          out.add(new Event("snapshot", f[1], null, 0, line));
        }
        case "tick" -> {
          if (fields(f) > 2) {
            throw new CaseFormatException(where(file, f) + ": expected 'tick' or 'tick k'");
          }
          out.add(new Event("tick", null, null, fields(f) == 2 ? number(file, f, 1) : 1, line));
        }
        default -> throw new CaseFormatException(where(file, f) + ": unknown event '" + f[0] + "'");
      }
    }
    return out;
  }

  static Snap snap(Path file) {
    List<String[]> rows = lines(file);
    if (rows.isEmpty()) {
      throw new CaseFormatException(file + ": empty snapshot file");
    }
    long id = number(file, rows.get(0), 0);
    SortedMap<String, Long> counts = new TreeMap<>();
    SortedMap<String, List<Long>> channels = new TreeMap<>();
    for (int i = 1; i < rows.size(); i++) {
      String[] f = rows.get(i);
      if (fields(f) == 2) {
        if (counts.put(f[0], number(file, f, 1)) != null) {
          throw new CaseFormatException(where(file, f) + ": node " + f[0] + " listed twice");
        }
      } else if (fields(f) == 3 && f[2].startsWith("token(") && f[2].endsWith(")")) {
        String n = f[2].substring(6, f[2].length() - 1);
        try {
          channels
              .computeIfAbsent(f[0] + " " + f[1], k -> new ArrayList<>())
              .add(Long.parseLong(n));
        } catch (NumberFormatException e) {
          throw new CaseFormatException(where(file, f) + ": bad token amount '" + n + "'");
        }
      } else {
        throw new CaseFormatException(
            where(file, f) + ": expected '<id> <tokens>' or '<src> <dst> token(n)'");
      }
    }
    return new Snap(id, counts, channels);
  }

  static long[] delays(Path file) {
    List<String[]> rows = lines(file);
    long[] out = new long[rows.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = number(file, rows.get(i), 0);
    }
    if (out.length == 0) {
      throw new CaseFormatException(file + ": no delays");
    }
    return out;
  }
}

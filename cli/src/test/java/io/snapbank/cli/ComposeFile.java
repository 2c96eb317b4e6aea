package io.snapbank.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.Yaml;

/**
 * The services of one or more compose files, read with SnakeYAML (anchors and {@code <<} merge keys
 * resolved) and merged as {@code docker compose -f a -f b} merges them: a later file's {@code
 * environment} and {@code depends_on} entries are added to (and override) the earlier ones, its
 * other keys replace them.
 */
record ComposeFile(Map<String, Service> services) {

  /** One service: its command, environment, the services it waits for and how, its profiles. */
  record Service(
      String name,
      String image,
      List<String> command,
      Map<String, String> environment,
      Map<String, String> dependsOn,
      List<String> profiles) {
    /** Whether it runs the snapbank image (the entry point is {@code snapbank}). */
    boolean snapbank() {
      return image != null && image.startsWith("snapbank");
    }
  }

  /** The repository's file {@code name}. */
  static Path file(String name) {
    return Path.of("").toAbsolutePath().getParent().resolve(name);
  }

  static ComposeFile read(Path... files) throws IOException {
    Map<String, Map<String, Object>> merged = new LinkedHashMap<>();
    for (Path f : files) {
      Map<String, Object> doc;
      try (Reader r = Files.newBufferedReader(f)) {
        doc = new Yaml().load(r);
      }
      Map<String, Object> services = map(doc.get("services"));
      for (Map.Entry<String, Object> e : services.entrySet()) {
        Map<String, Object> s = merged.computeIfAbsent(e.getKey(), k -> new LinkedHashMap<>());
        for (Map.Entry<String, Object> kv : map(e.getValue()).entrySet()) {
          switch (kv.getKey()) {
            case "environment" -> {
              Map<String, String> env = new LinkedHashMap<>(env(s.get("environment")));
              env.putAll(env(kv.getValue()));
              s.put("environment", env);
            }
            case "depends_on" -> {
              Map<String, String> deps = new LinkedHashMap<>(deps(s.get("depends_on")));
              deps.putAll(deps(kv.getValue()));
              s.put("depends_on", deps);
            }
            default -> s.put(kv.getKey(), kv.getValue());
          }
        }
      }
    }
    Map<String, Service> out = new LinkedHashMap<>();
    merged.forEach(
        (name, s) ->
            out.put(
                name,
                new Service(
                    name,
                    (String) s.get("image"),
                    strings(s.get("command")),
                    env(s.get("environment")),
                    deps(s.get("depends_on")),
                    strings(s.get("profiles")))));
    return new ComposeFile(out);
  }

  /**
   * The services in an order that starts each after those it depends on (compose's own order among
   * independent ones does not matter), leaving out those of a profile.
   */
  List<Service> startOrder() {
    Set<String> done = new LinkedHashSet<>();
    List<Service> order = new ArrayList<>();
    while (order.size() < services.size()) {
      boolean progress = false;
      for (Service s : services.values()) {
        if (!done.contains(s.name()) && done.containsAll(s.dependsOn().keySet())) {
          done.add(s.name());
          order.add(s);
          progress = true;
        }
      }
      if (!progress) {
        throw new IllegalStateException("depends_on has a cycle or names a missing service");
      }
    }
    return order.stream().filter(s -> s.profiles().isEmpty()).toList();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return o == null ? Map.of() : (Map<String, Object>) o;
  }

  private static List<String> strings(Object o) {
    if (o == null) {
      return List.of();
    }
    if (o instanceof String s) {
      return List.of(s.split(" "));
    }
    return ((List<?>) o).stream().map(String::valueOf).toList();
  }

  private static Map<String, String> env(Object o) {
    Map<String, String> env = new LinkedHashMap<>();
    if (o instanceof List<?> list) {
      for (Object e : list) {
        String[] kv = String.valueOf(e).split("=", 2);
        env.put(kv[0], kv.length > 1 ? kv[1] : "");
      }
    } else if (o instanceof Map<?, ?> m) {
      m.forEach((k, v) -> env.put(String.valueOf(k), String.valueOf(v)));
    }
    return env;
  }

  private static Map<String, String> deps(Object o) {
    Map<String, String> deps = new LinkedHashMap<>();
    if (o instanceof List<?> list) {
      list.forEach(d -> deps.put(String.valueOf(d), "service_started"));
    } else if (o instanceof Map<?, ?> m) {
      m.forEach(
          (k, v) ->
              deps.put(
                  String.valueOf(k),
                  v instanceof Map<?, ?> c
                      ? String.valueOf(c.get("condition"))
                      : v instanceof String condition ? condition : "service_started"));
    }
    return deps;
  }
}

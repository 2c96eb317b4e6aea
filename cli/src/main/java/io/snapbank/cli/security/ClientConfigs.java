package io.snapbank.cli.security;

import io.snapbank.broker.ClientConfigFile;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * Reads a Kafka client config file given with {@code --client-config}: the security settings of a
 * process (security.protocol, sasl.*, ssl.*). Other keys are refused, because snapbank sets the
 * others itself and some of them carry its guarantees (a {@code transactional.id} or {@code
 * group.id} from a file would break fencing or offsets). Errors are one line naming the file; the
 * file's values are never shown.
 */
public final class ClientConfigs {
  private ClientConfigs() {}

  /**
   * The settings in {@code file} (empty for null). Warns on {@code err} when other users may read
   * the file.
   */
  public static Map<String, String> load(Path file, PrintStream err) {
    if (file == null) {
      return Map.of();
    }
    Map<String, String> config = ClientConfigFile.read(file);
    for (String key : config.keySet()) {
      if (!allowed(key)) {
        throw new IllegalArgumentException(
            "client config "
                + file
                + ": setting '"
                + key
                + "' is not taken (only security.protocol, sasl.* and ssl.* settings are)");
      }
    }
    if (config.isEmpty()) {
      throw new IllegalArgumentException("client config " + file + " has no settings");
    }
    if (ClientConfigFile.readableByOthers(file)) {
      err.println(
          "warning: "
              + file
              + " holds credentials and other users can read it (chmod 600 "
              + file
              + ")");
    }
    return config;
  }

  private static boolean allowed(String key) {
    return key.equals("security.protocol") || key.startsWith("sasl.") || key.startsWith("ssl.");
  }
}

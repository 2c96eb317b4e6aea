package io.snapbank.broker;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * A Kafka client properties file holding credentials. Written owner-only (mode 600 where the file
 * system has POSIX permissions), atomically; read into a map. Errors name the file and what is
 * wrong with it, never its content.
 */
public final class ClientConfigFile {
  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");

  private ClientConfigFile() {}

  /** Writes {@code config} to {@code file}, readable and writable by the owner only. */
  public static void write(Path file, Map<String, String> config, String comment) {
    Path dir = file.toAbsolutePath().getParent();
    try {
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, ".client-", ".tmp");
      try {
        restrict(tmp);
        Properties p = new Properties();
        p.putAll(config);
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
          p.store(w, comment);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + reason(e), e);
    }
  }

  /**
   * The settings in {@code file}; throws {@link IllegalArgumentException} with one line naming the
   * file when it is missing, unreadable or not a properties file.
   */
  public static Map<String, String> read(Path file) {
    if (Files.isDirectory(file)) {
      throw new IllegalArgumentException("client config " + file + " is a directory, not a file");
    }
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read client config " + file + ": " + reason(e));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "client config " + file + " is not a properties file (a malformed \\u escape)");
    }
    Map<String, String> out = new TreeMap<>();
    p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k).strip()));
    return out;
  }

  /** Whether other users than the owner may read {@code file} (false where unknown). */
  public static boolean readableByOthers(Path file) {
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
      return perms.contains(PosixFilePermission.GROUP_READ)
          || perms.contains(PosixFilePermission.OTHERS_READ);
    } catch (UnsupportedOperationException | IOException e) {
      return false;
    }
  }

  /** Makes {@code path} owner-only, where the file system supports POSIX permissions. */
  static void restrict(Path path) throws IOException {
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      Files.setPosixFilePermissions(
          path,
          Files.isDirectory(path) ? PosixFilePermissions.fromString("rwx------") : OWNER_ONLY);
    }
  }

  private static String reason(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof CharacterCodingException) {
      return "not UTF-8 text";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}

package dev.lancelet.cli;

import dev.lancelet.file.WriteOptions;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** What {@code lance --version} prints. */
final class VersionInfo implements IVersionProvider {
  private static final Properties PROPS = load();

  static String lanceletVersion() {
    return PROPS.getProperty("lancelet.version", "unknown");
  }

  @Override
  public String[] getVersion() {
    return new String[] {
      "lance (Lancelet) " + lanceletVersion(),
      "Lance file format versions: " + Formats.knownVersions() + " (writes " + Formats.version(WriteOptions.DEFAULT_VERSION)
          + " unless told otherwise)",
      "Apache Arrow Java " + PROPS.getProperty("arrow.version", "unknown")
          + ", picocli " + PROPS.getProperty("picocli.version", "unknown"),
      "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ", "
          + System.getProperty("java.vendor") + ")",
    };
  }

  private static Properties load() {
    Properties p = new Properties();
    try (InputStream in = VersionInfo.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException ignored) {
      // versions then print as "unknown"
    }
    return p;
  }
}

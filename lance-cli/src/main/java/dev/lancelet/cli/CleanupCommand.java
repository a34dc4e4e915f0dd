package dev.lancelet.cli;

import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lance cleanup DATASET --older-than 7d [--dry-run]}. */
@Command(
    name = "cleanup",
    description = {
      "Delete versions older than --older-than (never the latest or a tagged one) and the files",
      "only they use. Time travel to those versions is no longer possible afterwards."
    })
final class CleanupCommand extends DatasetCommand {
  @Parameters(index = "0", paramLabel = "DATASET", description = "The dataset folder.")
  String dataset;

  @Option(names = "--older-than", required = true, paramLabel = "AGE",
      description = "Age of the versions to remove: a number with s, m, h, d or w (e.g. 7d, 12h, 0s).")
  String olderThan;

  @Option(names = "--dry-run", description = "Only list the versions that would be removed.")
  boolean dryRun;

  @Override
  int execute() throws IOException {
    Duration age = parseAge(olderThan);
    throw notAvailable("cleanup", "Dataset.cleanupOldVersions (asked: older than " + age + ")");
  }

  Duration parseAge(String s) {
    String t = s.trim().toLowerCase(Locale.ROOT);
    if (t.length() >= 2) {
      char unit = t.charAt(t.length() - 1);
      try {
        long n = Long.parseLong(t.substring(0, t.length() - 1));
        if (n >= 0) {
          switch (unit) {
            case 's': return Duration.ofSeconds(n);
            case 'm': return Duration.ofMinutes(n);
            case 'h': return Duration.ofHours(n);
            case 'd': return Duration.ofDays(n);
            case 'w': return Duration.ofDays(7 * n);
            default: break;
          }
        }
      } catch (NumberFormatException | ArithmeticException e) {
        // a usage error below
      }
    }
    throw usage("--older-than takes a number with s, m, h, d or w (e.g. 7d), got '" + s + "'");
  }
}

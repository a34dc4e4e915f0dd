package dev.lancelet.cli;

import dev.lancelet.table.CleanupReport;
import dev.lancelet.table.Dataset;
import dev.lancelet.table.VersionInfo;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
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
    Dataset ds = open(dataset);
    if (dryRun) {
      // The table API has no dry run: list the versions the rule selects (the files they alone use are not computed).
      Instant before = Instant.now().minus(age);
      long latest = ds.latestVersion();
      Set<Long> tagged = new HashSet<>(TagCommand.tagVersions(ds).values());
      List<String> would = new ArrayList<>();
      for (VersionInfo v : ds.versions()) {
        if (v.version() != latest && !tagged.contains(v.version()) && v.timestamp() != null && v.timestamp().isBefore(before)) {
          would.add(Long.toString(v.version()));
        }
      }
      out().printf("would remove %d version%s of %s%s (and the files only they use)%n", would.size(),
          would.size() == 1 ? "" : "s", dataset, would.isEmpty() ? "" : ": " + String.join(", ", would));
      return 0;
    }
    CleanupReport r = ds.cleanupOldVersions(age);
    out().printf("removed %d version%s and %d files (%d data, %d deletion, %d transaction, %d index, %d other; %s) from %s%n",
        r.versionsRemoved(), r.versionsRemoved() == 1 ? "" : "s", r.filesRemoved() - r.versionsRemoved(),
        r.dataFilesRemoved(), r.deletionFilesRemoved(), r.transactionFilesRemoved(), r.indexFilesRemoved(),
        r.otherFilesRemoved(), Formats.bytes(r.bytesRemoved()), dataset);
    return 0;
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

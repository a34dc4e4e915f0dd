package dev.lancelet.cli;

import dev.lancelet.table.Dataset;
import dev.lancelet.table.VersionInfo;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lance versions DATASET [--json]}. */
@Command(
    name = "versions",
    description = {
      "List every version of a dataset, oldest first: version, commit time, the operation that",
      "made it (Overwrite, Append, Delete, Update, ...), visible rows and fragments, tags."
    })
final class VersionsCommand extends DatasetCommand {
  @Parameters(index = "0", paramLabel = "DATASET", description = "The dataset folder.")
  String dataset;

  @Option(names = "--json", description = "Print a JSON array instead of a table.")
  boolean json;

  @Override
  int execute() throws IOException {
    Dataset latest = open(dataset);
    Map<String, Long> tags = TagCommand.tagVersions(latest);
    List<VersionInfo> versions = latest.versions();
    TextTable table = new TextTable("version", "timestamp", "operation", "rows", "fragments", "tags").right(0, 3, 4);
    Json j = new Json().beginArray();
    for (VersionInfo v : versions) {
      long rows;
      int fragments;
      try (Dataset at = latest.checkout(v.version())) {
        rows = at.countRows();
        fragments = at.fragments().size();
      }
      List<String> here = new ArrayList<>();
      tags.forEach((name, tv) -> {
        if (tv == v.version()) {
          here.add(name);
        }
      });
      String ts = v.timestamp() == null ? null : v.timestamp().toString();
      table.row(v.version(), ts == null ? "-" : ts, v.operation(), Formats.count(rows), fragments, String.join(",", here));
      j.beginObject().field("version", v.version()).field("timestamp", ts).field("operation", v.operation())
          .field("rows", rows).field("fragments", fragments);
      j.name("tags").beginArray();
      here.forEach(j::value);
      j.endArray().endObject();
    }
    j.endArray();
    if (json) {
      out().println(j);
    } else {
      table.lines("").forEach(out()::println);
    }
    return 0;
  }
}

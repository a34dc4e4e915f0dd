package dev.lancelet.cli;

import dev.lancelet.io.ObjectInfo;
import dev.lancelet.table.Dataset;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lance tag create|list|delete|update DATASET ...}: named versions. */
@Command(
    name = "tag",
    description = {"Create, list, move or delete tags: names for versions, usable as --tag T wherever a",
      "version is chosen. A tagged version is never removed by 'lance cleanup'."},
    subcommands = {TagCommand.ListTags.class, TagCommand.CreateTag.class, TagCommand.UpdateTag.class, TagCommand.DeleteTag.class})
final class TagCommand implements Runnable {
  @Spec CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
  boolean help;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing subcommand: choose one of list, create, update, delete");
  }

  /**
   * Tag name to version, sorted by name. Reads {@code _refs/tags/*.json} of the dataset's store.
   */
  static Map<String, Long> tagVersions(Dataset ds) throws IOException {
    Map<String, Long> out = new TreeMap<>();
    for (ObjectInfo info : ds.store().list("_refs/tags/")) {
      String path = info.path();
      if (!path.endsWith(".json")) {
        continue;
      }
      String name = path.substring(path.lastIndexOf('/') + 1, path.length() - ".json".length());
      Object doc = dev.lancelet.table.format.Json.parse(new String(ds.store().readAll(path), StandardCharsets.UTF_8));
      if (doc instanceof Map<?, ?> m && m.get("version") instanceof Long v) {
        out.put(name, v);
      } else {
        throw new CliException(ds.uri() + "/" + path + ": tag file has no \"version\"");
      }
    }
    return out;
  }

  /** {@code lance tag list DATASET}. */
  @Command(name = "list", description = "List the tags of a dataset: name and version.")
  static final class ListTags extends DatasetCommand {
    @Parameters(index = "0", paramLabel = "DATASET", description = "The dataset folder.")
    String dataset;

    @Option(names = "--json", description = "Print a JSON object (tag name to version).")
    boolean json;

    @Override
    int execute() throws IOException {
      Dataset ds = open(dataset);
      Map<String, Long> tags = tagVersions(ds);
      if (json) {
        Json j = new Json().beginObject();
        tags.forEach((name, v) -> j.field(name, v));
        out().println(j.endObject());
      } else {
        TextTable t = new TextTable("tag", "version").right(1);
        tags.forEach((name, v) -> t.row(name, v));
        t.lines("").forEach(out()::println);
      }
      return 0;
    }
  }

  /** {@code lance tag create DATASET NAME [--version N]}. */
  @Command(name = "create", description = "Tag a version (the latest by default).")
  static final class CreateTag extends DatasetCommand {
    @Parameters(index = "0", paramLabel = "DATASET", description = "The dataset folder.")
    String dataset;

    @Parameters(index = "1", paramLabel = "NAME", description = "The tag name.")
    String name;

    @Option(names = "--version", paramLabel = "N", description = "The version to tag (default: the latest).")
    Long version;

    @Override
    int execute() throws IOException {
      throw notAvailable("tag create", "tag writing (Dataset.tags())");
    }
  }

  /** {@code lance tag update DATASET NAME --version N}. */
  @Command(name = "update", description = "Point an existing tag at another version.")
  static final class UpdateTag extends DatasetCommand {
    @Parameters(index = "0", paramLabel = "DATASET", description = "The dataset folder.")
    String dataset;

    @Parameters(index = "1", paramLabel = "NAME", description = "The tag name.")
    String name;

    @Option(names = "--version", paramLabel = "N", required = true, description = "The version the tag now names.")
    long version;

    @Override
    int execute() throws IOException {
      throw notAvailable("tag update", "tag writing (Dataset.tags())");
    }
  }

  /** {@code lance tag delete DATASET NAME}. */
  @Command(name = "delete", description = "Delete a tag (the version stays).")
  static final class DeleteTag extends DatasetCommand {
    @Parameters(index = "0", paramLabel = "DATASET", description = "The dataset folder.")
    String dataset;

    @Parameters(index = "1", paramLabel = "NAME", description = "The tag name.")
    String name;

    @Override
    int execute() throws IOException {
      throw notAvailable("tag delete", "tag writing (Dataset.tags())");
    }
  }
}

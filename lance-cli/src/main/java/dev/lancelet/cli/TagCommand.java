package dev.lancelet.cli;

import dev.lancelet.table.Dataset;
import dev.lancelet.table.Tags;
import java.io.IOException;
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

  /** Tag name to version, sorted by name. */
  static Map<String, Long> tagVersions(Dataset ds) throws IOException {
    Map<String, Long> out = new TreeMap<>();
    for (Tags.Tag t : ds.tags().list()) {
      out.put(t.name(), t.version());
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
      Dataset ds = open(dataset);
      Tags.Tag t = ds.tags().create(name, version == null ? ds.version() : version);
      out().printf("tagged %s version %d as %s%n", dataset, t.version(), t.name());
      return 0;
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
      if (version < 1) {
        throw usage("--version: versions start at 1, got " + version);
      }
      Dataset ds = open(dataset);
      long before = ds.tags().get(name).version();
      Tags.Tag t = ds.tags().update(name, version);
      out().printf("moved tag %s of %s from version %d to %d%n", t.name(), dataset, before, t.version());
      return 0;
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
      Dataset ds = open(dataset);
      long was = ds.tags().get(name).version();
      ds.tags().delete(name);
      out().printf("deleted tag %s of %s (it named version %d, which stays)%n", name, dataset, was);
      return 0;
    }
  }
}

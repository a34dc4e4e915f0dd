package dev.lancelet.cli;

import dev.lancelet.table.Dataset;
import java.io.IOException;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lance checkout DATASET --version N | --tag T [--head N]}: a read-only look at an old
 * version. Lance versions are immutable and there is no working copy to switch, so checking out
 * changes nothing on disk: it shows what the version holds (summary, schema, its first rows).
 * {@code lance restore} makes an old version the latest; {@code lance export --version} writes
 * its rows out.
 */
@Command(
    name = "checkout",
    description = {
      "Look at one version of a dataset, read-only: summary, schema and its first rows. Nothing",
      "on disk changes (versions are immutable); 'lance restore' makes an old version the latest",
      "again, 'lance export --version N' writes its rows to a file."
    })
final class CheckoutCommand extends DatasetCommand {
  @Parameters(index = "0", paramLabel = "DATASET", description = "The dataset folder.")
  String dataset;

  @Option(names = "--version", paramLabel = "N", description = "The version to look at.")
  Long version;

  @Option(names = "--tag", paramLabel = "T", description = "The tag whose version to look at.")
  String tag;

  @Option(names = "--head", paramLabel = "N", defaultValue = "5", description = "Rows to print (default: ${DEFAULT-VALUE}).")
  int head;

  @Override
  int execute() throws IOException {
    if (version == null && tag == null) {
      throw usage("Give --version N or --tag T");
    }
    if (head < 0 || head > 10_000) {
      throw usage("--head must be between 0 and 10000, got " + head);
    }
    Dataset ds = open(dataset, version, tag);
    DatasetSummary summary = new DatasetSummary(ds, TagCommand.tagVersions(ds));
    summary.printText(out(), false);
    if (head > 0 && summary.rows() > 0) {
      out().println();
      out().println("First rows");
      try (ArrowReader scan = ds.newScan().limit(head).batchSize(head).open()) {
        VectorSchemaRoot root = scan.getVectorSchemaRoot();
        if (scan.loadNextBatch()) {
          TakeCommand.print(root, out());
        }
      }
    }
    out().println();
    out().println("(read-only: 'lance restore " + dataset + " --version " + ds.version()
        + "' makes this the latest version)");
    return 0;
  }
}

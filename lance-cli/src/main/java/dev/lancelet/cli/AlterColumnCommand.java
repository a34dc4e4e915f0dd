package dev.lancelet.cli;

import dev.lancelet.cli.formats.TypeNames;
import dev.lancelet.table.Dataset;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;

/** {@code lance alter-column DATASET COLUMN --type TYPE}: change a column's type. */
@Command(name = "alter-column",
    description = {"Change a column's type, committing a new version. Each fragment gets one new data file"
        + " holding just that column; the old values stay readable in older versions.",
        "Casts Lance allows: within integers, within floats, utf8/large_utf8, binary/large_binary, decimals,"
            + " a timestamp/date/time/duration to another unit, lists of those."})
final class AlterColumnCommand extends DatasetCommand {
  @Parameters(index = "0", paramLabel = "DATASET", description = "The dataset folder.")
  String dataset;

  @Parameters(index = "1", paramLabel = "COLUMN", description = "The top-level column.")
  String column;

  @Option(names = "--type", required = true, paramLabel = "TYPE",
      description = "The new type: a scalar type (int64, float64, large_utf8, timestamp(ms, UTC), decimal(20, 4) ...)"
          + " or list(TYPE), large_list(TYPE), fixed_size_list(TYPE, N).")
  String type;

  @Override
  int execute() throws IOException {
    Field target;
    try {
      target = parse(column, type.trim());
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--type: " + e.getMessage());
    }
    Dataset ds = open(dataset);
    Dataset after = closeLater(ds.castColumns(Map.of(column, target)));
    out().printf("changed %s to %s: %s version %d -> %d%n", column, type, dataset, ds.version(), after.version());
    return 0;
  }

  /** A field of the type named by {@code text}: a scalar name, or a list form around one. */
  static Field parse(String name, String text) {
    String lower = text.toLowerCase(java.util.Locale.ROOT);
    for (String list : new String[] {"list(", "large_list(", "fixed_size_list("}) {
      if (lower.startsWith(list) && lower.endsWith(")")) {
        String inner = text.substring(list.length(), text.length() - 1).trim();
        ArrowType t;
        if (list.equals("fixed_size_list(")) {
          int comma = inner.lastIndexOf(',');
          if (comma < 0) {
            throw new IllegalArgumentException("'" + text + "': fixed_size_list takes (TYPE, N)");
          }
          int size;
          try {
            size = Integer.parseInt(inner.substring(comma + 1).trim());
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "': the list size must be a positive integer");
          }
          if (size <= 0) {
            throw new IllegalArgumentException("'" + text + "': the list size must be a positive integer");
          }
          t = new ArrowType.FixedSizeList(size);
          inner = inner.substring(0, comma).trim();
        } else {
          t = list.equals("list(") ? ArrowType.List.INSTANCE : ArrowType.LargeList.INSTANCE;
        }
        return new Field(name, FieldType.nullable(t), List.of(parse("item", inner)));
      }
    }
    return new Field(name, FieldType.nullable(TypeNames.parse(text)), null);
  }
}

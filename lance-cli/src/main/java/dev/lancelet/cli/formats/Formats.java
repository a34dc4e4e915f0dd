package dev.lancelet.cli.formats;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.StringJoiner;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Entry point of the data formats: which format a path has, and readers / writers for it.
 *
 * <pre>{@code
 * DataFormat in = Formats.resolve("data.csv", null);            // by extension, or --format
 * try (BufferAllocator a = new RootAllocator();
 *     ArrowReader r = Formats.openReader(Path.of("data.csv"), in, ReaderOptions.DEFAULTS, a);
 *     BatchWriter w = Formats.openWriter(Path.of("out.parquet"), DataFormat.PARQUET,
 *         r.getVectorSchemaRoot().getSchema(), WriterOptions.DEFAULTS, a)) {
 *   while (r.loadNextBatch()) {
 *     w.write(r.getVectorSchemaRoot());
 *   }
 * }
 * }</pre>
 *
 * <p>Readers stream: they hold one batch (plus, for CSV and JSON lines, the rows sampled for type
 * inference). Failures are {@link FormatException}s naming the file and the line or position.
 */
public final class Formats {
  private Formats() {}

  /**
   * The format of {@code path} by its extension (case-insensitive).
   *
   * @throws IllegalArgumentException for an unknown extension, listing the supported ones
   */
  public static DataFormat forPath(String path) {
    String name = path.toLowerCase(Locale.ROOT);
    int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
    name = name.substring(slash + 1);
    for (DataFormat f : DataFormat.values()) {
      for (String ext : f.extensions()) {
        if (name.endsWith(ext) && name.length() > ext.length()) {
          return f;
        }
      }
    }
    int dot = name.lastIndexOf('.');
    throw new IllegalArgumentException(path + ": "
        + (dot < 0 ? "no file extension" : "unknown file extension '" + name.substring(dot) + "'")
        + " to tell the data format; supported: " + supported() + " (or name the format with --format)");
  }

  /**
   * The format named {@code name} ({@link DataFormat#id()}, or an extension such as {@code ndjson}).
   *
   * @throws IllegalArgumentException for an unknown name, listing the known ones
   */
  public static DataFormat forName(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    String dotted = n.startsWith(".") ? n : "." + n;
    for (DataFormat f : DataFormat.values()) {
      if (f.id().equals(n) || f.extensions().contains(dotted)) {
        return f;
      }
    }
    if (n.equals("ipc") || n.equals("feather")) {
      return DataFormat.ARROW_FILE;
    }
    StringJoiner known = new StringJoiner(", ");
    for (DataFormat f : DataFormat.values()) {
      known.add(f.id());
    }
    throw new IllegalArgumentException("Unknown data format '" + name + "' (known: " + known + ")");
  }

  /** {@link #forName} of {@code format} if it is not null, else {@link #forPath} of {@code path}. */
  public static DataFormat resolve(String path, String format) {
    return format != null ? forName(format) : forPath(path);
  }

  /** The supported extensions with their formats, for messages. */
  public static String supported() {
    StringJoiner s = new StringJoiner(", ");
    for (DataFormat f : DataFormat.values()) {
      s.add(String.join("/", f.extensions()) + " (" + f.title() + ")");
    }
    return s.toString();
  }

  /**
   * Opens a streaming reader. Batches have at most {@link ReaderOptions#batchSize()} rows (Arrow
   * IPC input keeps the batches of the file). The caller closes the reader before the allocator.
   *
   * @throws FormatException if the file is not in the format (or, for text, the inferred sample is bad)
   * @throws NoSuchFileException if it does not exist
   */
  public static ArrowReader openReader(Path path, DataFormat format, ReaderOptions options, BufferAllocator allocator)
      throws IOException {
    String file = path.toString();
    if (Files.isDirectory(path)) {
      throw new FormatException(file, -1, "is a directory");
    }
    if (!Files.exists(path)) {
      throw new NoSuchFileException(file);
    }
    return switch (format) {
      case ARROW_FILE, ARROW_STREAM -> IpcFormats.open(path, file, allocator);
      case CSV -> CsvReader.open(path, file, options.delimiter() == 0 ? ',' : options.delimiter(), options, allocator);
      case TSV -> CsvReader.open(path, file, options.delimiter() == 0 ? '\t' : options.delimiter(), options, allocator);
      case JSONL -> JsonLinesReader.open(path, file, options, allocator);
      case PARQUET -> ParquetBatchReader.open(path, file, options, allocator);
    };
  }

  /**
   * Opens a writer for batches of {@code schema}. Fails before writing anything if a column's type
   * cannot be written in the format (the message names the column).
   *
   * @throws FileAlreadyExistsException if the file exists and {@link WriterOptions#overwrite()} is off
   */
  public static BatchWriter openWriter(
      Path path, DataFormat format, Schema schema, WriterOptions options, BufferAllocator allocator)
      throws IOException {
    String file = path.toString();
    if (!options.overwrite() && Files.exists(path)) {
      throw new FileAlreadyExistsException(file);
    }
    return switch (format) {
      case ARROW_FILE -> new IpcFormats.Writer(path, file, schema, false, options.overwrite(), allocator);
      case ARROW_STREAM -> new IpcFormats.Writer(path, file, schema, true, options.overwrite(), allocator);
      case CSV -> new CsvWriter(path, file, schema, options.delimiter() == 0 ? ',' : options.delimiter(),
          options.header(), options.overwrite());
      case TSV -> new CsvWriter(path, file, schema, options.delimiter() == 0 ? '\t' : options.delimiter(),
          options.header(), options.overwrite());
      case JSONL -> new JsonLinesWriter(path, file, schema, options.overwrite());
      case PARQUET -> ParquetBatchWriter.open(path, file, schema, options);
    };
  }

  /** Open options for a new output file. */
  static OpenOption[] createOptions(boolean overwrite) {
    return overwrite
        ? new OpenOption[] {StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE}
        : new OpenOption[] {StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE};
  }
}

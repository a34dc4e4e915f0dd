package dev.lancelet.cli;

import dev.lancelet.cli.formats.DataFormat;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import dev.lancelet.cli.formats.ReaderOptions;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** Opens the input of {@code lance file import}, {@code lance import} and {@code lance merge-insert}. */
final class InputFiles {
  private static final byte[] ARROW_MAGIC = "ARROW1".getBytes(StandardCharsets.US_ASCII);

  private InputFiles() {}

  /**
   * Opens {@code in} for reading: {@code format} (or the extension) picks the reader; an unknown
   * extension is sniffed for Arrow IPC (file by its magic, else stream); {@code "-"} is an Arrow IPC
   * stream on stdin.
   */
  static ArrowReader open(String in, String format, String columnTypes, int batchSize, CommandLine cl,
      BufferAllocator allocator) {
    DataFormat dataFormat = null;
    if (format != null) {
      try {
        dataFormat = dev.lancelet.cli.formats.Formats.forName(format);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(cl, "--format: " + e.getMessage());
      }
    } else if (!in.equals("-")) {
      try {
        dataFormat = dev.lancelet.cli.formats.Formats.forPath(in);
      } catch (IllegalArgumentException e) {
        dataFormat = null; // unknown extension: sniff for Arrow IPC as before
      }
    }
    boolean ipc = dataFormat == null || dataFormat == DataFormat.ARROW_FILE || dataFormat == DataFormat.ARROW_STREAM;
    if (in.equals("-")) {
      if (!ipc) {
        throw new ParameterException(cl, "stdin ('-') takes an Arrow IPC stream only");
      }
      return new ArrowStreamReader(new BufferedInputStream(System.in, 1 << 16), allocator);
    }
    Path path = Path.of(in);
    if (Files.isDirectory(path)) {
      throw new CliException(in + ": Is a directory");
    }
    if (!ipc) {
      if (batchSize <= 0) {
        throw new ParameterException(cl, "--batch-size must be positive: " + batchSize);
      }
      ReaderOptions.Builder options = ReaderOptions.builder();
      try {
        options.batchSize(batchSize);
        if (columnTypes != null) {
          options.columnTypes(columnTypes);
        }
      } catch (IllegalArgumentException e) {
        throw new ParameterException(cl, (columnTypes != null ? "--schema: " : "") + e.getMessage());
      }
      try {
        return dev.lancelet.cli.formats.Formats.openReader(path, dataFormat, options.build(), allocator);
      } catch (NoSuchFileException e) {
        throw new CliException(in + ": No such file");
      } catch (IOException | RuntimeException e) {
        throw CliException.at(in, e);
      }
    }
    try {
      byte[] head = new byte[ARROW_MAGIC.length];
      int n;
      try (InputStream s = Files.newInputStream(path)) {
        n = s.readNBytes(head, 0, head.length);
      }
      if (n == ARROW_MAGIC.length && Arrays.equals(head, ARROW_MAGIC)) {
        return new ArrowFileReader(FileChannel.open(path, StandardOpenOption.READ), allocator);
      }
      if (n < 8 && n == Files.size(path)) {
        throw new CliException(in + ": Not an Arrow IPC file or stream (" + n + " bytes)");
      }
      return new ArrowStreamReader(new BufferedInputStream(Files.newInputStream(path), 1 << 16), allocator);
    } catch (NoSuchFileException e) {
      throw new CliException(in + ": No such file");
    } catch (IOException e) {
      throw CliException.at(in, e);
    }
  }
}

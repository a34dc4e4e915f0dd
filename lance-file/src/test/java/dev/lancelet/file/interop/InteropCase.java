package dev.lancelet.file.interop;

import dev.lancelet.file.testing.RandomData.Nulls;
import dev.lancelet.file.testing.RandomData.Shape;
import dev.lancelet.file.testing.TypeCatalog;
import dev.lancelet.format.LanceFileVersion;
import java.util.List;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * One point of the interop matrix: who writes, which version, which catalog types (one column
 * each), value shape, null pattern, rows per batch and number of batches.
 *
 * <p>{@link #key()} is the case's one-line identity; with the base seed it reproduces the case
 * exactly: {@code -Dlancelet.interop.seed=<seed> -Dlancelet.interop.case='<key>'}.
 *
 * @param smallPages Lancelet writes with the smallest page size (4 KiB), so pages break often
 */
record InteropCase(
    Direction direction, String version, List<String> types, Shape shape, Nulls nulls,
    int rows, int batches, boolean smallPages) {

  /** Who writes the file; the other side (and, for B, Lancelet too) reads it. */
  enum Direction {
    /** lance-core writes, Lancelet reads. */
    A,
    /** Lancelet writes, lance-core and Lancelet read. */
    B
  }

  InteropCase {
    types = List.copyOf(types);
  }

  static InteropCase of(Direction d, String version, String type, Shape shape, Nulls nulls, int rows, int batches) {
    return new InteropCase(d, version, List.of(type), shape, nulls, rows, batches, false);
  }

  InteropCase withSmallPages() {
    return new InteropCase(direction, version, types, shape, nulls, rows, batches, true);
  }

  /** The types joined with '+'. */
  String typeName() {
    return String.join("+", types);
  }

  /** The one column type, if the case has one; else the joined names. */
  boolean single() {
    return types.size() == 1;
  }

  long totalRows() {
    return (long) rows * batches;
  }

  Schema schema() {
    return TypeCatalog.schemaOf(types.stream().map(TypeCatalog::get).toList());
  }

  LanceFileVersion fileVersion() {
    return switch (version) {
      case "2.0" -> LanceFileVersion.V2_0;
      case "2.1" -> LanceFileVersion.V2_1;
      case "2.2" -> LanceFileVersion.V2_2;
      case "2.3" -> LanceFileVersion.V2_3;
      default -> throw new IllegalArgumentException("Unknown version " + version);
    };
  }

  /** The reproduction key: direction, version, types, shape, nulls, rows x batches [, smallPages]. */
  String key() {
    return direction + " " + version + " " + typeName() + " " + shape + " " + nulls + " " + rows + "x" + batches
        + (smallPages ? " smallPages" : "");
  }

  /** A file name unique within a test's directory. */
  String fileName() {
    String name = key().replaceAll("[^A-Za-z0-9.+_-]", "_");
    if (name.length() > 100) { // many types: keep under file-name limits
      name = name.substring(0, 60) + "_" + Integer.toHexString(key().hashCode());
    }
    return name + ".lance";
  }

  @Override
  public String toString() {
    return key();
  }
}

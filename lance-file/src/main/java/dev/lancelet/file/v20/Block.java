package dev.lancelet.file.v20;

/**
 * Decoded page data on the Java heap, between the page bytes and the Arrow vector it is copied
 * into. Validity bitmaps are least-significant-bit first (bit {@code i} of byte {@code i / 8} is
 * row {@code i}, 1 = valid), and {@code null} means every row is valid.
 */
sealed interface Block {

  /** Number of rows in the block. */
  int count();

  /**
   * Fixed-width values packed back to back. {@code bits} is 1 (a bitmap, bit 0 is row 0) or a
   * multiple of 8 (little-endian values of {@code bits / 8} bytes).
   */
  record Fixed(int bits, byte[] data, int count, byte[] validity) implements Block {
    Fixed withValidity(byte[] v) {
      return new Fixed(bits, data, count, v);
    }
  }

  /** Variable-width values: {@code offsets} has {@code count + 1} entries starting at 0. */
  record Var(long[] offsets, byte[] data, int count, byte[] validity) implements Block {
    Var withValidity(byte[] v) {
      return new Var(offsets, data, count, v);
    }
  }

  /** A fixed-size list: {@code items} holds {@code count * dim} rows. */
  record Fsl(int dim, Block items, int count, byte[] validity) implements Block {
    Fsl withValidity(byte[] v) {
      return new Fsl(dim, items, count, v);
    }
  }

  /** Every row is null; nothing was stored. */
  record AllNull(int count) implements Block {}

  /** A struct whose children were packed row by row ({@code PackedStruct}); never null. */
  record Packed(Block[] children, int count) implements Block {}

  /** Attaches a validity bitmap read from a {@code SomeNull} node. */
  static Block withValidity(Block b, byte[] validity) {
    return switch (b) {
      case Fixed f -> f.withValidity(validity);
      case Var v -> v.withValidity(validity);
      case Fsl l -> l.withValidity(validity);
      case AllNull a -> a;
      case Packed p -> p;
    };
  }
}

package dev.lancelet.file.compression;

import dev.lancelet.file.LanceFormatException;

/** Validation helpers shared by the decoders. All messages name expected and actual values. */
final class Checks {
  private Checks() {}

  static void checkRange(byte[] src, int off, int len) {
    if (off < 0 || len < 0 || off > src.length - len) {
      throw new IndexOutOfBoundsException(
          "Range [" + off + ", " + off + "+" + len + ") is outside an array of " + src.length + " bytes");
    }
  }

  static int checkUncompressedBits(int bits) {
    if (bits != 8 && bits != 16 && bits != 32 && bits != 64) {
      throw new IllegalArgumentException("Uncompressed width must be 8, 16, 32 or 64 bits, got " + bits);
    }
    return bits;
  }

  /** The decode-side form of {@link #checkUncompressedBits}: the width came from a file. */
  static int checkDecodedBits(int bits) throws LanceFormatException {
    if (bits != 8 && bits != 16 && bits != 32 && bits != 64) {
      throw new LanceFormatException("Uncompressed width must be 8, 16, 32 or 64 bits, got " + bits);
    }
    return bits;
  }

  static void checkNonNegativeCount(String what, long n) throws LanceFormatException {
    if (n < 0) {
      throw new LanceFormatException(what + " must not be negative, got " + n);
    }
  }
}

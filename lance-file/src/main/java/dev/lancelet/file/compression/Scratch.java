package dev.lancelet.file.compression;

/** Per-thread scratch arrays for one 1024-value block, so block decoders do not allocate. */
final class Scratch {
  private static final ThreadLocal<Scratch> LOCAL = ThreadLocal.withInitial(Scratch::new);

  final long[] packed64 = new long[1024];
  final int[] packed32 = new int[1024];
  final short[] packed16 = new short[1024];
  final byte[] packed8 = new byte[1024];
  final long[] values64 = new long[1024];
  final int[] values32 = new int[1024];
  final short[] values16 = new short[1024];
  final byte[] values8 = new byte[1024];

  static Scratch get() {
    return LOCAL.get();
  }
}

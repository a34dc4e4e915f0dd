package dev.lancelet.file.encoding.write;

import java.lang.ref.SoftReference;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Page-sized value arrays handed from finished writers to new ones in the same JVM. A new Java
 * array is zeroed (and a fresh one page-faulted in) before the writer copies a page into it; for a
 * writer that writes a few pages per column that costs as much as encoding them. Writers give
 * their page arrays back here when they finish, and a later writer's first page takes one. At most
 * {@value #MAX_POOLED} arrays are kept, through soft references, so the garbage collector can
 * still take them when memory runs short. A taken array's content is garbage: page buffers never
 * read past what they wrote.
 */
final class PageArrays {
  /** Arrays below this size are cheap to allocate and not pooled. */
  static final int MIN_POOLED_BYTES = 1 << 20;
  static final int MAX_POOLED = 8;

  private static final ConcurrentLinkedQueue<SoftReference<byte[]>> POOL = new ConcurrentLinkedQueue<>();
  private static final AtomicInteger SIZE = new AtomicInteger();

  private PageArrays() {}

  /** A pooled array of at least {@code minLength} bytes, or null when none is at hand. */
  static byte[] take(int minLength) {
    if (minLength < MIN_POOLED_BYTES) {
      return null;
    }
    for (int tries = SIZE.get(); tries > 0; tries--) {
      SoftReference<byte[]> ref = POOL.poll();
      if (ref == null) {
        return null;
      }
      SIZE.decrementAndGet();
      byte[] a = ref.get();
      if (a != null) {
        if (a.length >= minLength) {
          return a;
        }
        give(a); // too small for this request; keep it for another
      }
    }
    return null;
  }

  /** Offers an array no longer used by its writer. */
  static void give(byte[] a) {
    if (a == null || a.length < MIN_POOLED_BYTES) {
      return;
    }
    if (SIZE.incrementAndGet() > MAX_POOLED) {
      SIZE.decrementAndGet();
      return;
    }
    POOL.offer(new SoftReference<>(a));
  }
}

package dev.lancelet.file.fuzz;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * One seeded damage to a file, in the spirit of Lucene's MockDirectoryWrapper (truncate, flip
 * bits, zero-fill) plus "lying length" words. {@link #apply} returns a damaged copy; {@link
 * #toString} says exactly what was done, so a failure can be reproduced by hand; {@link
 * #touched} lists the kinds of {@link FileLayout} regions hit, which decides what a successful
 * read of the damaged file must return (see {@link FuzzTest}).
 */
final class Mutation {
  enum Kind {
    TRUNCATE,
    FLIP_METADATA,
    FLIP_REGION,
    FLIP_DATA,
    HUGE_WORD,
    ZERO_RANGE
  }

  /** Values that make lengths, counts and offsets lie. */
  private static final long[] HUGE = {
    Long.MAX_VALUE, -1L, Long.MIN_VALUE, 1L << 32, 1L << 40, 1L << 62, 0x7FFF_FFFFL, 0x8000_0000L, 0xFFFF_FFFFL, 0x7FFF_FFF0L
  };

  final Kind kind;
  final String description;
  final Set<String> touched = new TreeSet<>();
  private final byte[] result;

  private Mutation(Kind kind, String description, byte[] result, Set<String> touched) {
    this.kind = kind;
    this.description = description;
    this.result = result;
    this.touched.addAll(touched);
  }

  byte[] bytes() {
    return result;
  }

  /** Draws one mutation of {@code orig} from {@code r}. */
  static Mutation random(Random r, byte[] orig, FileLayout layout) {
    Kind k = Kind.values()[r.nextInt(Kind.values().length)];
    long metaStart = layout.metadataStart();
    int n = orig.length;
    Set<String> touched = new TreeSet<>();
    StringBuilder d = new StringBuilder();
    switch (k) {
      case TRUNCATE: {
        int len = r.nextBoolean() ? r.nextInt(n) : Math.max(0, n - 1 - r.nextInt(Math.min(n, 2048)));
        touched.add("truncate");
        return new Mutation(k, "truncate " + n + " -> " + len + " bytes", Arrays.copyOf(orig, len), touched);
      }
      case FLIP_METADATA:
      case FLIP_DATA:
      case FLIP_REGION: {
        byte[] b = orig.clone();
        int flips = 1 + r.nextInt(8);
        long lo;
        long hi;
        if (k == Kind.FLIP_METADATA) {
          lo = metaStart;
          hi = n;
        } else if (k == Kind.FLIP_DATA) {
          lo = 0;
          hi = Math.max(1, metaStart);
        } else {
          String[] kinds = {"footer", "gbo", "cmo", "colmeta", "gb0", "page"};
          List<FileLayout.Region> rs = List.of();
          String pick = null;
          for (int tries = 0; tries < 10 && rs.isEmpty(); tries++) {
            pick = kinds[r.nextInt(kinds.length)];
            rs = layout.of(pick);
          }
          if (rs.isEmpty()) {
            lo = metaStart;
            hi = n;
          } else {
            FileLayout.Region reg = rs.get(r.nextInt(rs.size()));
            lo = reg.start();
            hi = reg.end();
          }
          flips = 1 + r.nextInt(4);
        }
        d.append(k == Kind.FLIP_DATA ? "flip data bits" : "flip metadata bits");
        for (int i = 0; i < flips; i++) {
          long pos = lo + (long) (r.nextDouble() * (hi - lo));
          int bit = r.nextInt(8);
          b[(int) pos] ^= (byte) (1 << bit);
          FileLayout.Region reg = layout.regionOf(pos);
          touched.add(reg.kind());
          d.append(i == 0 ? " " : ", ").append(pos).append('.').append(bit).append(" (").append(reg.name()).append(')');
        }
        return new Mutation(k, d.toString(), b, touched);
      }
      case HUGE_WORD: {
        byte[] b = orig.clone();
        long pos = r.nextInt(10) < 6 ? metaStart + (long) (r.nextDouble() * (n - metaStart)) : (long) (r.nextDouble() * metaStart);
        long v = r.nextInt(4) == 0 ? r.nextLong() : HUGE[r.nextInt(HUGE.length)];
        for (int i = 0; i < 8 && pos + i < n; i++) {
          b[(int) (pos + i)] = (byte) (v >>> (8 * i));
          touched.add(layout.regionOf(pos + i).kind());
        }
        d.append("overwrite 8 bytes at ").append(pos).append(" (").append(layout.regionOf(pos).name())
            .append(") with 0x").append(Long.toHexString(v));
        return new Mutation(k, d.toString(), b, touched);
      }
      case ZERO_RANGE: {
        byte[] b = orig.clone();
        long pos = r.nextBoolean() ? metaStart + (long) (r.nextDouble() * (n - metaStart)) : (long) (r.nextDouble() * n);
        int len = (int) Math.min(n - pos, 1 + r.nextInt(r.nextBoolean() ? 16 : 512));
        boolean changed = false;
        for (int i = 0; i < len; i++) {
          changed |= b[(int) pos + i] != 0;
          b[(int) pos + i] = 0;
          touched.add(layout.regionOf(pos + i).kind());
        }
        if (!changed) {
          touched.clear();
          touched.add("none");
        }
        d.append("zero ").append(len).append(" bytes at ").append(pos).append(" (").append(layout.regionOf(pos).name()).append(')');
        return new Mutation(k, d.toString(), b, touched);
      }
      default:
        throw new AssertionError(k);
    }
  }

  @Override
  public String toString() {
    return description + " [regions " + touched + "]";
  }
}

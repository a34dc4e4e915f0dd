package dev.lancelet.file.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import dev.lancelet.file.LanceFileReader;
import dev.lancelet.file.LanceFormatException;
import dev.lancelet.format.proto.EncodingsV21Protos.MiniBlockLayout;
import dev.lancelet.format.proto.EncodingsV21Protos.PageLayout;
import dev.lancelet.format.proto.File2Protos.ColumnMetadata;
import dev.lancelet.format.proto.File2Protos.DirectEncoding;
import dev.lancelet.format.proto.File2Protos.Encoding;
import dev.lancelet.format.proto.FileProtos.FileDescriptor;
import dev.lancelet.io.MemoryObjectStore;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Targeted damage to real Lance files, one problem at a time. Each must give a {@link
 * LanceFormatException} naming the file and the problem, quickly, without allocating from a lying
 * length, and without leaking Arrow memory (the allocator is closed after each test). "core" is a
 * lance-core 7.0 file, "lancelet" one from Lancelet's writer (many small pages), both of the mixed
 * schema of {@link FuzzCorpus}.
 */
class CorruptionTest {
  static final int ROWS = 1500;
  @TempDir static Path dir;
  static final Map<String, byte[]> files = new HashMap<>();
  static final Map<String, String> unavailable = new HashMap<>();
  BufferAllocator alloc;

  @BeforeAll
  static void corpus() throws Exception {
    files.put("core", FuzzCorpus.writeWithLanceCore(dir, "2.1", FuzzCorpus.mixedSchema(8, false), ROWS, 21));
    try {
      files.put("lancelet", FuzzCorpus.writeWithLancelet(FuzzCorpus.mixedSchema(8, false), ROWS, 22, 4096));
    } catch (UnsupportedOperationException e) {
      unavailable.put("lancelet", e.toString());
    }
  }

  @BeforeEach
  void setUp() {
    alloc = new RootAllocator(256L << 20);
  }

  @AfterEach
  void tearDown() {
    alloc.close(); // fails the test on leaked buffers
  }

  static byte[] file(String which) {
    Assumptions.assumeTrue(files.containsKey(which), () -> which + " file unavailable: " + unavailable.get(which));
    return files.get(which);
  }

  static String name(String which) {
    return "damaged-" + which + ".lance";
  }

  /** Opens {@code data} and reads everything: schema, info, a full scan and takes of the first and last rows. */
  void readEverything(String name, byte[] data) throws Exception {
    MemoryObjectStore store = new MemoryObjectStore("corrupt");
    store.put(name, data);
    try (LanceFileReader r = LanceFileReader.open(store, name, alloc)) {
      r.schema();
      r.info();
      FuzzCorpus.readAll(r, 700);
      long n = r.numRows();
      if (n > 0) {
        try (VectorSchemaRoot t = r.take(new long[] {n - 1, 0, n / 2}, null)) {
          FuzzCorpus.validate(t, "take");
        }
      }
    }
  }

  /** Asserts reading {@code data} fails fast with a LanceFormatException naming the file and containing {@code fragments}. */
  void assertCorrupt(String name, byte[] data, String... fragments) {
    assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
      long t0 = System.nanoTime();
      var a = assertThatThrownBy(() -> readEverything(name, data))
          .isInstanceOf(LanceFormatException.class)
          .hasMessageContaining(name);
      for (String f : fragments) {
        a.hasMessageContaining(f);
      }
      assertThat((System.nanoTime() - t0) / 1_000_000).as("ms to reject").isLessThan(5_000);
    });
  }

  static byte[] withLong(byte[] f, long pos, long v) {
    byte[] b = f.clone();
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong((int) pos, v);
    return b;
  }

  static byte[] withInt(byte[] f, long pos, int v) {
    byte[] b = f.clone();
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt((int) pos, v);
    return b;
  }

  static byte[] withVersion(byte[] f, int major, int minor) {
    byte[] b = f.clone();
    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    bb.putShort(b.length - 8, (short) major).putShort(b.length - 6, (short) minor);
    return b;
  }

  static int footer(byte[] f) {
    return f.length - 40;
  }

  // ------------------------------------------------------------------ sanity

  @ParameterizedTest
  @ValueSource(strings = {"core", "lancelet"})
  void undamagedFileReads(String which) throws Exception {
    readEverything(name(which), file(which));
  }

  // ------------------------------------------------------------------ size, magic, version

  @Test
  void emptyFile() {
    assertCorrupt("empty.lance", new byte[0], "0 bytes", "too small");
  }

  @ParameterizedTest
  @ValueSource(strings = {"core", "lancelet"})
  void tinyFiles(String which) {
    byte[] f = file(which);
    for (int n = 1; n <= 39; n++) {
      // The tail keeps the real version and magic, so only the size is wrong.
      assertCorrupt("tail" + n + ".lance", Arrays.copyOfRange(f, f.length - n, f.length));
      // The head is a real file's first bytes: no magic.
      assertCorrupt("head" + n + ".lance", Arrays.copyOf(f, n));
    }
    assertCorrupt("tail7.lance", Arrays.copyOfRange(f, f.length - 7, f.length), "too small");
    assertCorrupt("tail39.lance", Arrays.copyOfRange(f, f.length - 39, f.length), "40-byte footer");
  }

  @ParameterizedTest
  @ValueSource(strings = {"core", "lancelet"})
  void truncated(String which) {
    byte[] f = file(which);
    assertCorrupt(name(which), Arrays.copyOf(f, f.length - 1), "LANC");
    assertCorrupt(name(which), Arrays.copyOf(f, f.length / 2), "LANC");
    assertCorrupt(name(which), Arrays.copyOfRange(f, f.length - 40, f.length)); // just the footer
    FileLayout l = layout(f);
    // Cut the file right before the metadata and append the footer: the tail points past the end.
    byte[] cut = Arrays.copyOf(f, (int) l.metadataStart() + 40);
    System.arraycopy(f, f.length - 40, cut, cut.length - 40, 40);
    assertCorrupt(name(which), cut);
  }

  @ParameterizedTest
  @ValueSource(strings = {"core", "lancelet"})
  void wrongMagic(String which) {
    byte[] f = file(which).clone();
    f[f.length - 1] = 'X';
    assertCorrupt(name(which), f, "not a Lance file", "LANC");
    byte[] text = "this is a text file, not a Lance file at all. 0123456789".getBytes(StandardCharsets.US_ASCII);
    assertCorrupt("text.lance", text, "not a Lance file");
  }

  @ParameterizedTest
  @ValueSource(strings = {"core", "lancelet"})
  void unknownVersions(String which) {
    byte[] f = file(which);
    assertCorrupt(name(which), withVersion(f, 9, 9), "unsupported Lance file version 9.9");
    assertCorrupt(name(which), withVersion(f, 3, 0), "unsupported Lance file version 3.0");
    assertCorrupt(name(which), withVersion(f, 2, 9), "unsupported Lance file version 2.9");
    assertCorrupt(name(which), withVersion(f, 65535, 65535), "unsupported Lance file version 65535.65535");
  }

  @ParameterizedTest
  @ValueSource(strings = {"core", "lancelet"})
  void legacyVersions(String which) {
    byte[] f = file(which);
    assertCorrupt(name(which), withVersion(f, 0, 1), "legacy", "not supported");
    assertCorrupt(name(which), withVersion(f, 0, 2), "legacy", "not supported");
  }

  // ------------------------------------------------------------------ footer offsets and counts

  @ParameterizedTest
  @ValueSource(strings = {"core", "lancelet"})
  void footerOffsetsPastTheEnd(String which) {
    byte[] f = file(which);
    int ft = footer(f);
    assertCorrupt(name(which), withLong(f, ft, f.length + 100L), "column metadata start");
    assertCorrupt(name(which), withLong(f, ft, -1L));
    assertCorrupt(name(which), withLong(f, ft + 8, f.length + 100L), "column metadata offset table");
    assertCorrupt(name(which), withLong(f, ft + 8, Long.MAX_VALUE), "column metadata offset table");
    assertCorrupt(name(which), withLong(f, ft + 16, f.length - 8L), "global buffer table");
    assertCorrupt(name(which), withLong(f, ft + 16, Long.MIN_VALUE), "global buffer table");
  }

  @ParameterizedTest
  @ValueSource(strings = {"core", "lancelet"})
  void hugeCountsDoNotAllocate(String which) {
    byte[] f = file(which);
    int ft = footer(f);
    // Each of these would need 32-64 GiB of offset table if trusted.
    assertCorrupt(name(which), withInt(f, ft + 28, Integer.MAX_VALUE), "column metadata offset table");
    assertCorrupt(name(which), withInt(f, ft + 28, -1));
    assertCorrupt(name(which), withInt(f, ft + 24, Integer.MAX_VALUE), "global buffer table");
    assertCorrupt(name(which), withInt(f, ft + 24, -1), "global buffers");
    assertCorrupt(name(which), withInt(f, ft + 24, 0), "global buffers");
    // Plausible but wrong column counts.
    assertCorrupt(name(which), withInt(f, ft + 28, 0));
    assertCorrupt(name(which), withInt(f, ft + 28, layout(f).numColumns - 1));
  }

  @ParameterizedTest
  @ValueSource(strings = {"core", "lancelet"})
  void offsetTableEntriesOutsideTheFile(String which) {
    byte[] f = file(which);
    FileLayout l = layout(f);
    long cmo0 = l.cmoStart;
    assertCorrupt(name(which), withLong(f, cmo0, f.length + 1000L), "metadata of column 0");
    assertCorrupt(name(which), withLong(f, cmo0 + 8, Long.MAX_VALUE), "metadata of column 0");
    assertCorrupt(name(which), withLong(f, cmo0 + 8, 1L << 40), "metadata of column 0");
    long gbo0 = l.gboStart;
    assertCorrupt(name(which), withLong(f, gbo0, f.length + 1000L), "global buffer 0");
    assertCorrupt(name(which), withLong(f, gbo0 + 8, Long.MAX_VALUE), "global buffer 0");
    assertCorrupt(name(which), withLong(f, gbo0 + 8, 1L << 40), "global buffer 0");
    assertCorrupt(name(which), withLong(f, gbo0 + 8, -8L), "global buffer 0");
  }

  // ------------------------------------------------------------------ protobufs

  @ParameterizedTest
  @ValueSource(strings = {"core", "lancelet"})
  void corruptProtobufs(String which) {
    byte[] f = file(which);
    FileLayout l = layout(f);
    byte[] cm = f.clone();
    Arrays.fill(cm, (int) l.colOff[0], (int) (l.colOff[0] + l.colLen[0]), (byte) 0xFF);
    assertCorrupt(name(which), cm, "column 0", "ColumnMetadata");
    byte[] gb = f.clone();
    Arrays.fill(gb, (int) l.gbOff[0], (int) (l.gbOff[0] + Math.min(l.gbLen[0], 64)), (byte) 0xFF);
    assertCorrupt(name(which), gb, "global buffer 0", "FileDescriptor");
    // A valid protobuf of the wrong kind: column 1's metadata where the file descriptor should be.
    byte[] swapped = l.rebuild(f, l.columnBlobs(f).get(1), l.columnBlobs(f));
    assertCorrupt(name(which), swapped);
  }

  @ParameterizedTest
  @ValueSource(strings = {"core", "lancelet"})
  void pageBuffersPastTheEnd(String which) {
    byte[] f = file(which);
    FileLayout l = layout(f);
    int col = firstColumnWithPageBuffers(l);
    assertCorrupt(name(which), rewriteColumn(f, l, col, p -> p.setBufferOffsets(0, f.length + 64L)), "column " + col, "page 0 buffer 0");
    assertCorrupt(name(which), rewriteColumn(f, l, col, p -> p.setBufferSizes(0, 1L << 40)), "page 0 buffer 0");
    assertCorrupt(name(which), rewriteColumn(f, l, col, p -> p.setBufferSizes(0, -1L)), "page 0 buffer 0");
    assertCorrupt(name(which), rewriteColumn(f, l, col, p -> p.setBufferOffsets(0, Long.MAX_VALUE)), "page 0 buffer 0");
    assertCorrupt(name(which), rewriteColumn(f, l, col, p -> p.addBufferOffsets(0)), "buffer offsets");
  }

  @ParameterizedTest
  @ValueSource(strings = {"core", "lancelet"})
  void lyingRowCounts(String which) {
    byte[] f = file(which);
    FileLayout l = layout(f);
    // One page lies: the columns no longer agree with the file's row count.
    assertCorrupt(name(which), rewriteColumn(f, l, 0, p -> p.setLength(1L << 40)), "rows");
    assertCorrupt(name(which), rewriteColumn(f, l, 0, p -> p.setLength(-1L)), "row");
    // The descriptor alone lies.
    assertCorrupt(name(which), rewriteDescriptor(f, l, d -> d.setLength(1L << 40)), "rows");
    assertCorrupt(name(which), rewriteDescriptor(f, l, d -> d.setLength(-5L)), "row count");
    assertCorrupt(name(which), rewriteDescriptor(f, l, d -> d.setLength(ROWS + 1)), "rows");
    // Everything lies consistently: the descriptor and the last page of every column claim extra
    // rows the page data does not hold. Open succeeds; scan and take must fail, not return junk
    // (the take path used to index past the decoded page: ArrayIndexOutOfBounds).
    for (long extra : new long[] {1, 1L << 40}) {
      byte[] all = allColumnsLie(f, l, extra);
      assertCorrupt(name(which), all, "rows");
      assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
        MemoryObjectStore store = new MemoryObjectStore("corrupt");
        store.put(name(which), all);
        try (LanceFileReader r = LanceFileReader.open(store, name(which), alloc)) {
          assertThat(r.numRows()).isEqualTo(ROWS + extra);
          for (String c : List.of("id", "li", "s", "st", "vec")) {
            assertThatThrownBy(() -> r.take(new long[] {r.numRows() - 1}, List.of(c)).close())
                .as("take of column %s", c)
                .isInstanceOf(LanceFormatException.class)
                .hasMessageContaining(name(which));
          }
        }
      });
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"core", "lancelet"})
  void lyingMiniBlockLayout(String which) throws Exception {
    byte[] f = file(which);
    FileLayout l = layout(f);
    int col = firstMiniBlockColumn(l);
    Assumptions.assumeTrue(col >= 0, "no mini-block page");
    for (UnaryOperator<MiniBlockLayout.Builder> lie : List.<UnaryOperator<MiniBlockLayout.Builder>>of(
        m -> m.setNumItems(1L << 40),
        m -> m.setNumItems(Long.MAX_VALUE),
        m -> m.setNumBuffers(1L << 31),
        m -> m.setNumBuffers(0),
        m -> m.setRepetitionIndexDepth(7),
        m -> m.setNumDictionaryItems(1L << 40).setDictionary(m.getValueCompression()))) {
      byte[] d = rewriteColumn(f, l, col, p -> p.setEncoding(wrap(lie.apply(layoutOf(p).getMiniBlockLayout().toBuilder()).build())));
      assertCorruptOrUnchanged(name(which), d, f);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"core", "lancelet"})
  void lyingChunkMetadata(String which) throws Exception {
    byte[] f = file(which);
    FileLayout l = layout(f);
    int col = firstMiniBlockColumn(l);
    Assumptions.assumeTrue(col >= 0, "no mini-block page");
    ColumnMetadata.Page p = l.columns.get(col).getPages(0);
    long meta = p.getBufferOffsets(0);
    long metaLen = p.getBufferSizes(0);
    Assumptions.assumeTrue(metaLen >= 2, "chunk metadata too small");
    // Each chunk's metadata word gives its size in 8-byte words and log2 of its value count.
    for (int v : new int[] {0xFFFF, 0x0000, 0xFFF0, 0x000F}) {
      byte[] d = f.clone();
      d[(int) meta] = (byte) v;
      d[(int) meta + 1] = (byte) (v >>> 8);
      assertCorruptOrUnchanged(name(which), d, f);
    }
    // The chunk metadata buffer is longer than the page's data covers.
    assertCorrupt(name(which), rewriteColumn(f, l, col, pg -> pg.setBufferSizes(0, metaLen + 4096)));
  }

  // ------------------------------------------------------------------ helpers

  /**
   * Damage that may or may not be detectable (a chunk word that happens to describe the same
   * bytes decodes the same values): either a typed error or exactly the original rows.
   */
  void assertCorruptOrUnchanged(String name, byte[] damaged, byte[] original) throws Exception {
    assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
      List<String> want = rows(name, original);
      try {
        readEverything(name, damaged);
        assertThat(rows(name, damaged)).as("a damaged file that reads must read the same").isEqualTo(want);
      } catch (LanceFormatException e) {
        assertThat(e).hasMessageContaining(name);
      }
    });
  }

  List<String> rows(String name, byte[] data) throws Exception {
    MemoryObjectStore store = new MemoryObjectStore("corrupt");
    store.put(name, data);
    try (LanceFileReader r = LanceFileReader.open(store, name, alloc)) {
      return FuzzCorpus.readAll(r, 1000);
    }
  }

  static FileLayout layout(byte[] f) {
    try {
      return new FileLayout(f);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static int firstColumnWithPageBuffers(FileLayout l) {
    for (int c = 0; c < l.numColumns; c++) {
      if (l.columns.get(c).getPagesCount() > 0 && l.columns.get(c).getPages(0).getBufferOffsetsCount() > 0) {
        return c;
      }
    }
    throw new AssertionError("no page buffers");
  }

  static PageLayout layoutOf(ColumnMetadata.PageOrBuilder p) {
    try {
      return PageLayout.parseFrom(Any.parseFrom(p.getEncoding().getDirect().getEncoding()).getValue());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static Encoding wrap(MiniBlockLayout m) {
    Any any = Any.pack(PageLayout.newBuilder().setMiniBlockLayout(m).build(), "/");
    return Encoding.newBuilder().setDirect(DirectEncoding.newBuilder().setEncoding(ByteString.copyFrom(any.toByteArray()))).build();
  }

  static int firstMiniBlockColumn(FileLayout l) {
    for (int c = 0; c < l.numColumns; c++) {
      ColumnMetadata cm = l.columns.get(c);
      if (cm.getPagesCount() > 0 && cm.getPages(0).getEncoding().hasDirect()
          && layoutOf(cm.getPages(0)).hasMiniBlockLayout() && cm.getPages(0).getBufferOffsetsCount() >= 2) {
        return c;
      }
    }
    return -1;
  }

  /** Rewrites page 0 of column {@code col} and rebuilds the tail with consistent offsets. */
  static byte[] rewriteColumn(byte[] f, FileLayout l, int col, UnaryOperator<ColumnMetadata.Page.Builder> edit) {
    List<byte[]> blobs = new ArrayList<>(l.columnBlobs(f));
    ColumnMetadata.Builder cm = l.columns.get(col).toBuilder();
    cm.setPages(0, edit.apply(cm.getPages(0).toBuilder()));
    blobs.set(col, cm.build().toByteArray());
    return l.rebuild(f, l.globalBuffer(f, 0), blobs);
  }

  static byte[] rewriteDescriptor(byte[] f, FileLayout l, UnaryOperator<FileDescriptor.Builder> edit) {
    try {
      FileDescriptor fd = FileDescriptor.parseFrom(l.globalBuffer(f, 0));
      return l.rebuild(f, edit.apply(fd.toBuilder()).build().toByteArray(), l.columnBlobs(f));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static byte[] allColumnsLie(byte[] f, FileLayout l, long extra) {
    try {
      List<byte[]> blobs = new ArrayList<>();
      for (ColumnMetadata cm : l.columns) {
        ColumnMetadata.Builder b = cm.toBuilder();
        int last = b.getPagesCount() - 1;
        b.setPages(last, b.getPages(last).toBuilder().setLength(b.getPages(last).getLength() + extra));
        blobs.add(b.build().toByteArray());
      }
      FileDescriptor fd = FileDescriptor.parseFrom(l.globalBuffer(f, 0));
      return l.rebuild(f, fd.toBuilder().setLength(fd.getLength() + extra).build().toByteArray(), blobs);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}

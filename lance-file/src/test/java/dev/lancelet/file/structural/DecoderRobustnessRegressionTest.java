package dev.lancelet.file.structural;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lancelet.file.LanceFormatException;
import dev.lancelet.file.kernels.LittleEndian;
import dev.lancelet.format.proto.EncodingsV21Protos.CompressiveEncoding;
import dev.lancelet.format.proto.EncodingsV21Protos.Flat;
import dev.lancelet.format.proto.EncodingsV21Protos.FullZipLayout;
import dev.lancelet.format.proto.EncodingsV21Protos.InlineBitpacking;
import dev.lancelet.format.proto.EncodingsV21Protos.MiniBlockLayout;
import dev.lancelet.format.proto.EncodingsV21Protos.PageLayout;
import dev.lancelet.format.proto.EncodingsV21Protos.Rle;
import dev.lancelet.format.proto.EncodingsV21Protos.Variable;
import org.junit.jupiter.api.Test;

/** Decoder bugs found by {@code dev.lancelet.file.fuzz.FuzzTest}, pinned at the unit level. */
class DecoderRobustnessRegressionTest {
  static final CompressiveEncoding VARIABLE_32 = CompressiveEncoding.newBuilder()
      .setVariable(Variable.newBuilder().setOffsets(CompressiveEncoding.newBuilder().setFlat(Flat.newBuilder().setBitsPerValue(32))))
      .build();

  /** A mini-block Variable chunk: n+1 u32 offsets (absolute in the chunk), then the bytes. */
  static Decompress.Slice chunk(int... offsets) {
    int dataEnd = offsets[offsets.length - 1];
    byte[] b = new byte[Math.max(dataEnd, 4 * offsets.length)];
    for (int i = 0; i < offsets.length; i++) {
      LittleEndian.putInt(b, 4 * i, offsets[i]);
    }
    for (int i = 4 * offsets.length; i < b.length; i++) {
      b[i] = (byte) ('a' + i % 26);
    }
    return new Decompress.Slice(b, 0, b.length);
  }

  @Test
  void wellFormedVariableChunkDecodes() throws Exception {
    Values v = Decompress.miniBlock(VARIABLE_32, new Decompress.Slice[] {chunk(16, 19, 21, 24)}, 3);
    assertThat(v.offsets).containsExactly(0, 3, 5, 8);
  }

  /**
   * Fuzz case lancelet-2.1-small-pages:174 (one flipped bit in a string chunk's offsets): offsets
   * that decrease by less than the offset table's size used to pass, because each raw offset was
   * compared with its already rebased predecessor; the scan then returned a VarCharVector with
   * decreasing offsets.
   */
  @Test
  void decreasingVariableChunkOffsetsAreRejected() {
    assertThatThrownBy(() -> Decompress.miniBlock(VARIABLE_32, new Decompress.Slice[] {chunk(16, 22, 19, 24)}, 3))
        .isInstanceOf(LanceFormatException.class)
        .hasMessageContaining("out of order");
  }

  static CompressiveEncoding flat(long bits) {
    return CompressiveEncoding.newBuilder().setFlat(Flat.newBuilder().setBitsPerValue(bits)).build();
  }

  static CompressiveEncoding rle(long valueBits, long lengthBits) {
    return CompressiveEncoding.newBuilder().setRle(Rle.newBuilder().setValues(flat(valueBits)).setRunLengths(flat(lengthBits))).build();
  }

  static PageLayout miniBlock(CompressiveEncoding values, long numBuffers) {
    return PageLayout.newBuilder().setMiniBlockLayout(MiniBlockLayout.newBuilder().setValueCompression(values).setNumBuffers(numBuffers)).build();
  }

  /** Fuzz: Decompress.miniBlock read bufs[0] of a chunk with no buffers (ArrayIndexOutOfBounds). */
  @Test
  void miniBlockChecksTheBufferCountTheEncodingNeeds() {
    assertThatThrownBy(() -> Decompress.miniBlock(flat(32), new Decompress.Slice[0], 3))
        .isInstanceOf(LanceFormatException.class)
        .hasMessageContaining("needs 1 buffers per chunk, the chunk has 0");
    assertThatThrownBy(() -> Decompress.miniBlock(rle(32, 8), new Decompress.Slice[] {chunk(4)}, 3))
        .isInstanceOf(LanceFormatException.class)
        .hasMessageContaining("needs 2 buffers");
    assertThatThrownBy(() -> EncodingCheck.check(miniBlock(rle(32, 8), 1)))
        .isInstanceOf(LanceFormatException.class)
        .hasMessageContaining("num_buffers is 1");
  }

  /** Fuzz: Rle.checkValueWidth and LittleEndian.getUnsigned threw IllegalArgumentException on widths from metadata. */
  @Test
  void encodingWidthsAreValidatedAtOpen() throws Exception {
    EncodingCheck.check(miniBlock(rle(32, 8), 2));
    EncodingCheck.check(miniBlock(flat(1), 1));
    assertThatThrownBy(() -> EncodingCheck.check(miniBlock(rle(24, 8), 2)))
        .isInstanceOf(LanceFormatException.class)
        .hasMessageContaining("Value width in Rle(Flat(24), Flat(8)) must be one of [8, 16, 32, 64] bits, got 24");
    assertThatThrownBy(() -> EncodingCheck.check(miniBlock(rle(32, 64), 2)))
        .isInstanceOf(LanceFormatException.class)
        .hasMessageContaining("Run-length width");
    assertThatThrownBy(() -> EncodingCheck.check(miniBlock(flat(12), 1)))
        .isInstanceOf(LanceFormatException.class)
        .hasMessageContaining("Flat bits per value must be 1 or a multiple of 8");
    CompressiveEncoding inline40 = CompressiveEncoding.newBuilder()
        .setInlineBitpacking(InlineBitpacking.newBuilder().setUncompressedBitsPerValue(40)).build();
    assertThatThrownBy(() -> EncodingCheck.check(miniBlock(inline40, 1)))
        .isInstanceOf(LanceFormatException.class)
        .hasMessageContaining("Uncompressed width in InlineBitpacking(40)");
    PageLayout dictWithWideIndex = PageLayout.newBuilder().setMiniBlockLayout(MiniBlockLayout.newBuilder()
        .setValueCompression(flat(24)).setDictionary(flat(32)).setNumBuffers(1)).build();
    assertThatThrownBy(() -> EncodingCheck.check(dictWithWideIndex))
        .isInstanceOf(LanceFormatException.class)
        .hasMessageContaining("Dictionary indices must be 8, 16, 32 or 64 bits wide");
    PageLayout levels32 = PageLayout.newBuilder().setMiniBlockLayout(MiniBlockLayout.newBuilder()
        .setValueCompression(flat(32)).setDefCompression(flat(32)).setNumBuffers(1)).build();
    assertThatThrownBy(() -> EncodingCheck.check(levels32))
        .isInstanceOf(LanceFormatException.class)
        .hasMessageContaining("definition level encoding Flat(32) must give 8- or 16-bit levels");
    PageLayout wideControlWord = PageLayout.newBuilder().setFullZipLayout(FullZipLayout.newBuilder()
        .setBitsRep(1).setBitsDef(40).setBitsPerValue(32).setValueCompression(flat(32))).build();
    assertThatThrownBy(() -> EncodingCheck.check(wideControlWord))
        .isInstanceOf(LanceFormatException.class)
        .hasMessageContaining("bits_def 40");
  }

  /** Fuzz: Run.<init> threw IllegalStateException when levels and values disagree. */
  @Test
  void levelsAndValuesThatDisagreeAreATypedError() throws Exception {
    Values three = Values.fixed(3, 4, new byte[12]);
    assertThatThrownBy(() -> new Run(null, new short[] {0, 1}, three, 0, 0))
        .isInstanceOf(LanceFormatException.class)
        .hasMessageContaining("2 definition levels but 3 values");
    assertThatThrownBy(() -> new Run(new short[] {1, 0, 0, 0}, null, three, 1, 0))
        .isInstanceOf(LanceFormatException.class)
        .hasMessageContaining("Levels give 4 visible items but the page decoded 3 values");
    assertThatThrownBy(() -> new Run(new short[] {0, 1, 0}, null, three, 1, 0))
        .isInstanceOf(LanceFormatException.class)
        .hasMessageContaining("not at a row boundary");
  }

  /**
   * Fuzz case core-2.2:11 (seed 439149031): flipped bits in a list page's levels made a row read
   * as [] in the scan and as null in the take. Decoded levels are now checked once per page.
   */
  @Test
  void inconsistentRepDefLevelsAreRejected() throws Exception {
    boolean[] listOfItems = {false, true}; // item (def 1), list (def 2 null, 3 empty); maxRep 1
    Values two = Values.fixed(2, 4, new byte[8]);
    // Row 0: [x, null-item]; row 1: empty list. Consistent.
    LevelCheck.check(new Run(new short[] {1, 0, 1}, new short[] {0, 1, 3}, Values.fixed(2, 4, new byte[8]), 1, 1), listOfItems);
    // An empty list (def 3) that continues the previous row's list (rep 0).
    Run continuesWithEmpty = new Run(new short[] {1, 0, 0}, new short[] {0, 0, 3}, two, 1, 1);
    assertThatThrownBy(() -> LevelCheck.check(continuesWithEmpty, listOfItems))
        .isInstanceOf(LanceFormatException.class)
        .hasMessageContaining("inconsistent rep/def levels");
    Run repTooLarge = new Run(new short[] {1, 32}, new short[] {0, 0}, two, 1, 1);
    assertThatThrownBy(() -> LevelCheck.check(repTooLarge, listOfItems))
        .isInstanceOf(LanceFormatException.class)
        .hasMessageContaining("Repetition level 32 at level 1 is outside [0, 1]");
    Run defTooLarge = new Run(null, new short[] {0, 9}, two, 0, 5);
    assertThatThrownBy(() -> LevelCheck.check(defTooLarge, new boolean[] {false}))
        .isInstanceOf(LanceFormatException.class)
        .hasMessageContaining("Definition level 9 at level 1 is outside [0, 1]");
  }

  /**
   * Fuzz (FLIP_METADATA on core files): a decoded block shorter than its value count made
   * Values.Builder.append copy past the end of the block (ArrayIndexOutOfBounds).
   */
  @Test
  void shortBlocksAndOutOfRangeSlicesAreTypedErrors() throws Exception {
    assertThatThrownBy(() -> Values.fixed(4, 8, new byte[24]))
        .isInstanceOf(LanceFormatException.class)
        .hasMessageContaining("cannot hold 4 values of 8 bytes");
    Values two = Values.fixed(2, 4, new byte[8]);
    Values.Builder b = new Values.Builder();
    assertThatThrownBy(() -> b.append(two, 1, 3))
        .isInstanceOf(LanceFormatException.class)
        .hasMessageContaining("[1, 3) of a block of 2");
  }
}

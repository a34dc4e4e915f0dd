package dev.lancelet.file.structural;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lancelet.file.LanceFormatException;
import dev.lancelet.file.kernels.LittleEndian;
import dev.lancelet.format.proto.EncodingsV21Protos.CompressiveEncoding;
import dev.lancelet.format.proto.EncodingsV21Protos.Flat;
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
}

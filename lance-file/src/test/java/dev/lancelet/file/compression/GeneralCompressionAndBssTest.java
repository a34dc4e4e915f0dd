package dev.lancelet.file.compression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lancelet.file.LanceFormatException;
import dev.lancelet.file.kernels.LittleEndian;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GeneralCompressionAndBssTest {
  private static final long SEED = System.nanoTime();

  private static byte[] resource(String name) throws Exception {
    try (InputStream in = GeneralCompressionAndBssTest.class.getResourceAsStream("/compression/" + name)) {
      return in.readAllBytes();
    }
  }

  private static byte[] sample(Random r, int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (r.nextInt(4) == 0 ? r.nextInt() : i % 13);
    }
    return b;
  }

  @Test
  void zstdRoundTripAndPrefix() throws Exception {
    Random r = new Random(SEED);
    for (int n : new int[] {0, 1, 7, 8, 100, 4099, 200_003}) {
      byte[] data = sample(r, n);
      byte[] enc = GeneralCompression.zstdCompress(data, 0, n);
      assertThat(LittleEndian.getLong(enc, 0)).as("n=%d seed=%d", n, SEED).isEqualTo(n);
      assertThat(GeneralCompression.isBareZstd(enc, 0, enc.length)).isFalse();
      assertThat(GeneralCompression.zstdDecompress(enc, 0, enc.length, Integer.MAX_VALUE))
          .as("n=%d seed=%d", n, SEED)
          .containsExactly(data);
    }
  }

  @Test
  void zstdReadsLibzstdOutputBareAndPrefixed() throws Exception {
    byte[] plain = resource("plain.txt");
    byte[] frame = resource("plain.txt.zst");
    assertThat(GeneralCompression.isBareZstd(frame, 0, frame.length)).isTrue();
    assertThat(GeneralCompression.zstdDecompress(frame, 0, frame.length, Integer.MAX_VALUE)).containsExactly(plain);
    byte[] prefixed = new byte[8 + frame.length];
    LittleEndian.putLong(prefixed, 0, plain.length);
    System.arraycopy(frame, 0, prefixed, 8, frame.length);
    assertThat(GeneralCompression.zstdDecompress(prefixed, 0, prefixed.length, Integer.MAX_VALUE)).containsExactly(plain);
  }

  @Test
  void zstdRejectsCorruption() {
    byte[] enc = GeneralCompression.zstdCompress(new byte[1000], 0, 1000);
    byte[] lie = enc.clone();
    LittleEndian.putLong(lie, 0, 999);
    assertThatThrownBy(() -> GeneralCompression.zstdDecompress(lie, 0, lie.length, Integer.MAX_VALUE))
        .isInstanceOf(LanceFormatException.class);
    byte[] huge = enc.clone();
    LittleEndian.putLong(huge, 0, 1L << 40);
    assertThatThrownBy(() -> GeneralCompression.zstdDecompress(huge, 0, huge.length, Integer.MAX_VALUE))
        .isInstanceOf(LanceFormatException.class)
        .hasMessageContaining("limit");
    assertThatThrownBy(() -> GeneralCompression.zstdDecompress(enc, 0, enc.length, 10))
        .isInstanceOf(LanceFormatException.class)
        .hasMessageContaining("limit is 10");
    Random r = new Random(SEED);
    for (int i = 0; i < 200; i++) {
      byte[] bad = enc.clone();
      bad[8 + r.nextInt(bad.length - 8)] ^= (byte) (1 << r.nextInt(8));
      try {
        byte[] out = GeneralCompression.zstdDecompress(bad, 0, bad.length, Integer.MAX_VALUE);
        assertThat(out).hasSize(1000);
      } catch (LanceFormatException expected) {
        // fine: typed error
      }
    }
  }

  @Test
  void lz4RoundTripAndCorruption() throws Exception {
    Random r = new Random(SEED);
    for (int n : new int[] {0, 1, 12, 13, 100, 65_537, 300_007}) {
      byte[] data = sample(r, n);
      byte[] enc = GeneralCompression.lz4Compress(data, 0, n);
      assertThat(LittleEndian.getInt(enc, 0)).isEqualTo(n);
      assertThat(GeneralCompression.lz4Decompress(enc, 0, enc.length, Integer.MAX_VALUE))
          .as("n=%d seed=%d", n, SEED)
          .containsExactly(data);
    }
    assertThatThrownBy(() -> GeneralCompression.lz4Decompress(new byte[3], 0, 3, 100))
        .isInstanceOf(LanceFormatException.class)
        .hasMessageContaining("4-byte");
    byte[] enc = GeneralCompression.lz4Compress(new byte[5000], 0, 5000);
    for (int i = 0; i < 200; i++) {
      byte[] bad = enc.clone();
      bad[r.nextInt(bad.length)] ^= (byte) (1 << r.nextInt(8));
      try {
        GeneralCompression.lz4Decompress(bad, 0, bad.length, Integer.MAX_VALUE);
      } catch (LanceFormatException expected) {
        // fine: typed error
      }
    }
  }

  /** The LZ4 length scan agrees with the real decoder on blocks of every shape. */
  @Test
  void lz4DecodedLengthMatchesTheDecoder() {
    Random r = new Random(SEED);
    for (int n : new int[] {0, 1, 15, 16, 19, 270, 4099, 65_536, 300_001}) {
      byte[] data = r.nextBoolean() ? sample(r, n) : new byte[n];
      byte[] enc = GeneralCompression.lz4Compress(data, 0, n);
      assertThat(GeneralCompression.lz4DecodedLength(enc, 4, enc.length - 4, Long.MAX_VALUE)).as("n=%d seed=%d", n, SEED).isEqualTo(n);
    }
  }

  /**
   * A length prefix that claims far more than the block holds is caught before allocating it:
   * zeros compress about 250:1 with LZ4, so a
   * claim near that ratio would otherwise be allocated first and found wrong afterwards.
   */
  @Test
  void lyingLengthPrefixesAreCaughtBeforeAllocating() throws Exception {
    byte[] zeros = new byte[4_000_000];
    byte[] lz4 = GeneralCompression.lz4Compress(zeros, 0, zeros.length);
    byte[] lie = lz4.clone();
    int claim = zeros.length + 1000; // above the 1 MiB trusted up front, within LZ4's 255:1 bound
    assertThat(claim).isLessThan(255 * lz4.length).isGreaterThan(1 << 20);
    LittleEndian.putInt(lie, 0, claim);
    assertThatThrownBy(() -> GeneralCompression.lz4Decompress(lie, 0, lie.length, Integer.MAX_VALUE))
        .isInstanceOf(LanceFormatException.class)
        .hasMessageContaining("but its block decodes to 4000000");
    assertThat(GeneralCompression.lz4Decompress(lz4, 0, lz4.length, Integer.MAX_VALUE)).isEqualTo(zeros);
    byte[] zstd = GeneralCompression.zstdCompress(zeros, 0, zeros.length);
    byte[] zlie = zstd.clone();
    LittleEndian.putLong(zlie, 0, 30_000L * zstd.length);
    assertThatThrownBy(() -> GeneralCompression.zstdDecompress(zlie, 0, zlie.length, Integer.MAX_VALUE))
        .isInstanceOf(LanceFormatException.class)
        .hasMessageContaining("4000000");
    assertThat(GeneralCompression.zstdDecompress(zstd, 0, zstd.length, Integer.MAX_VALUE)).isEqualTo(zeros);
  }

  @Test
  void byteStreamSplit() throws Exception {
    byte[] f32 = new byte[16];
    LittleEndian.putFloat(f32, 0, 1.0f);
    LittleEndian.putFloat(f32, 4, 2.0f);
    LittleEndian.putFloat(f32, 8, 3.0f);
    LittleEndian.putFloat(f32, 12, 4.0f);
    byte[] split = new byte[16];
    ByteStreamSplit.encode(4, f32, 0, 4, split, 0);
    assertThat(Arrays.copyOfRange(split, 8, 16))
        .containsExactly(0x80, 0x00, 0x40, 0x80, 0x3F, 0x40, 0x40, 0x40);
    Random r = new Random(SEED);
    for (int w : new int[] {2, 4, 8}) {
      for (int n : new int[] {0, 1, 3, 511, 512, 1021}) {
        byte[] data = new byte[n * w];
        r.nextBytes(data);
        byte[] enc = new byte[n * w];
        ByteStreamSplit.encode(w, data, 0, n, enc, 0);
        byte[] back = new byte[n * w];
        ByteStreamSplit.decode(w, enc, 0, enc.length, n, back, 0);
        assertThat(back).as("w=%d n=%d seed=%d", w, n, SEED).containsExactly(data);
      }
    }
    assertThatThrownBy(() -> ByteStreamSplit.decode(4, new byte[15], 0, 15, 4, new byte[16], 0))
        .isInstanceOf(LanceFormatException.class)
        .hasMessageContaining("needs 16 bytes, got 15");
    assertThat(ByteStreamSplit.chunkValues(8)).isEqualTo(512);
  }
}

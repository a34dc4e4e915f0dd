package dev.lancelet.table.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lancelet.table.CorruptManifestException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DeletionVectorTest {

  @Test
  void bothFormsRoundTrip() throws Exception {
    long seed = new Random().nextLong();
    Random r = new Random(seed);
    for (int n : new int[] {0, 1, 3, 4999, 5001, 20_000}) {
      int[] offsets = new int[n];
      for (int i = 0; i < n; i++) {
        offsets[i] = r.nextInt(1 << 20);
      }
      DeletionVector dv = DeletionVector.of(offsets);
      for (DeletionFile.Type t : DeletionFile.Type.values()) {
        DeletionVector back = DeletionVector.decode(dv.encode(t), t, "f", 1 << 20);
        assertThat(back).as("seed %d, n %d, %s", seed, n, t).isEqualTo(dv);
      }
    }
    assertThat(DeletionVector.of(1, 2).preferredType()).isEqualTo(DeletionFile.Type.ARROW_ARRAY);
  }

  @Test
  void arrowFormIsAnIpcFileOfUint32() throws Exception {
    byte[] b = DeletionVector.of(5, 1, 3).encode(DeletionFile.Type.ARROW_ARRAY);
    assertThat(new String(b, 0, 6)).isEqualTo("ARROW1");
    DeletionVector back = DeletionVector.decode(b, DeletionFile.Type.ARROW_ARRAY, "f", 10);
    assertThat(back.toSortedArray()).containsExactly(1, 3, 5);
  }

  @Test
  void rejectsGarbageAndOutOfRangeRows() {
    assertThatThrownBy(() -> DeletionVector.decode(new byte[] {1, 2, 3}, DeletionFile.Type.BITMAP, "_deletions/x.bin", 10))
        .isInstanceOf(CorruptManifestException.class).hasMessageStartingWith("_deletions/x.bin");
    assertThatThrownBy(() -> DeletionVector.decode(new byte[] {1, 2, 3}, DeletionFile.Type.ARROW_ARRAY, "d.arrow", 10))
        .isInstanceOf(CorruptManifestException.class);
    byte[] b = DeletionVector.of(50).encode(DeletionFile.Type.BITMAP);
    assertThatThrownBy(() -> DeletionVector.decode(b, DeletionFile.Type.BITMAP, "d.bin", 10))
        .isInstanceOf(CorruptManifestException.class).hasMessageContaining("deletes row 50");
  }
}

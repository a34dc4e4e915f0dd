package dev.lancelet.file.structural;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lancelet.format.proto.EncodingsV21Protos.CompressiveEncoding;
import dev.lancelet.format.proto.EncodingsV21Protos.Delta;
import dev.lancelet.format.proto.EncodingsV21Protos.Dictionary;
import dev.lancelet.format.proto.EncodingsV21Protos.Flat;
import dev.lancelet.format.proto.EncodingsV21Protos.General;
import dev.lancelet.format.proto.EncodingsV21Protos.Range;
import org.junit.jupiter.api.Test;

/**
 * Valid Lance encodings the reader does not decode yet are refused as unsupported (never as
 * corruption, never decoded wrongly), also when nested inside another encoding.
 */
class UnsupportedEncodingTest {
  private static CompressiveEncoding flat(int bits) {
    return CompressiveEncoding.newBuilder().setFlat(Flat.newBuilder().setBitsPerValue(bits)).build();
  }

  @Test
  void newerAndUnusedEncodingsAreUnsupported() {
    CompressiveEncoding range = CompressiveEncoding.newBuilder().setRange(Range.getDefaultInstance()).build();
    CompressiveEncoding delta = CompressiveEncoding.newBuilder().setDelta(Delta.getDefaultInstance()).build();
    CompressiveEncoding dict = CompressiveEncoding.newBuilder()
        .setDictionary(Dictionary.newBuilder().setIndices(flat(32)).setItems(flat(64))).build();
    assertThatThrownBy(() -> Decompress.checkSupported(range, "Column c"))
        .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("Column c").hasMessageContaining("RANGE");
    assertThatThrownBy(() -> Decompress.checkSupported(delta, "Column c"))
        .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("DELTA");
    assertThatThrownBy(() -> Decompress.checkSupported(dict, "Column c"))
        .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("Dictionary as a compressive encoding");
    CompressiveEncoding nested = CompressiveEncoding.newBuilder()
        .setGeneral(General.newBuilder().setValues(delta)).build();
    assertThatThrownBy(() -> Decompress.checkSupported(nested, "Column c"))
        .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("DELTA");
    assertThatCode(() -> Decompress.checkSupported(flat(32), "Column c")).doesNotThrowAnyException();
  }
}

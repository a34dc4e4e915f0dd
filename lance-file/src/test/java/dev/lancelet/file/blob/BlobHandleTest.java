package dev.lancelet.file.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lancelet.io.MemoryObjectStore;
import dev.lancelet.io.ReadableObject;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import org.junit.jupiter.api.Test;

/** Channel and stream semantics of {@link BlobHandle} over a real in-memory store. */
class BlobHandleTest {

  @Test
  void channelReadsItsSliceOnly() throws Exception {
    MemoryObjectStore store = new MemoryObjectStore("blobhandle");
    byte[] all = BlobTesting.payload(1, 300_000);
    store.put("x.bin", all);
    BlobTesting.RecordingStore rec = new BlobTesting.RecordingStore(store);
    BlobHandle h = BlobHandle.lazy("x.bin", () -> rec.open("x.bin"), 1000, 200_000);
    assertThat(h.size()).isEqualTo(200_000);
    try (SeekableByteChannel ch = h.openChannel()) {
      ByteBuffer big = ByteBuffer.allocate(150_000);
      assertThat(ch.read(big)).isEqualTo(BlobHandle.STREAM_READ_BYTES); // one capped request
      assertThat(big.position()).isEqualTo(BlobHandle.STREAM_READ_BYTES);
      assertThat(java.util.Arrays.copyOf(big.array(), 10)).isEqualTo(java.util.Arrays.copyOfRange(all, 1000, 1010));
      ch.position(199_990);
      ByteBuffer tail = ByteBuffer.allocate(100);
      assertThat(ch.read(tail)).isEqualTo(10); // never past the blob's end
      assertThat(ch.read(tail)).isEqualTo(-1);
      ch.position(1_000_000);
      assertThat(ch.read(ByteBuffer.allocate(1))).isEqualTo(-1);
      assertThatThrownBy(() -> ch.write(ByteBuffer.allocate(1))).isInstanceOf(NonWritableChannelException.class);
      assertThatThrownBy(() -> ch.truncate(0)).isInstanceOf(NonWritableChannelException.class);
      assertThatThrownBy(() -> ch.position(-1)).isInstanceOf(IllegalArgumentException.class);
      ch.close();
      assertThat(ch.isOpen()).isFalse();
      assertThatThrownBy(() -> ch.read(ByteBuffer.allocate(1))).isInstanceOf(ClosedChannelException.class);
    }
    assertThat(rec.reads).containsExactly(BlobHandle.STREAM_READ_BYTES, 10);
  }

  @Test
  void streamSkipsAndReadsToTheEnd() throws Exception {
    MemoryObjectStore store = new MemoryObjectStore("blobhandle");
    byte[] all = BlobTesting.payload(2, 100_000);
    store.put("y.bin", all);
    try (ReadableObject o = store.open("y.bin")) {
      BlobHandle h = BlobHandle.of(o, 10, 90_000);
      try (InputStream in = h.openStream()) {
        assertThat(in.read()).isEqualTo(all[10] & 0xFF);
        assertThat(in.skip(70_000)).isEqualTo(70_000);
        byte[] rest = in.readAllBytes();
        assertThat(rest).isEqualTo(java.util.Arrays.copyOfRange(all, 70_011, 90_010));
        assertThat(in.read()).isEqualTo(-1);
      }
      assertThat(h.readAllBytes()).isEqualTo(java.util.Arrays.copyOfRange(all, 10, 90_010));
      // The shared object stays open after the handle's streams close.
      assertThat(o.read(0, 4).remaining()).isEqualTo(4);
    }
    assertThat(BlobHandle.empty().readAllBytes()).isEmpty();
    try (InputStream in = BlobHandle.empty().openStream()) {
      assertThat(in.read()).isEqualTo(-1);
    }
  }
}

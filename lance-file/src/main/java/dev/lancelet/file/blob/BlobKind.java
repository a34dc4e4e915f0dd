package dev.lancelet.file.blob;

/**
 * Where a blob v2 value's bytes live, as the {@code kind} byte of its descriptor says (format
 * 2.2+). Legacy blob columns (2.0/2.1) always keep their values in the data file, like {@link
 * #INLINE}.
 */
public enum BlobKind {
  /** In the data file itself: {@code size} bytes at absolute file offset {@code position}. */
  INLINE(0),
  /** In a shared sidecar {@code data/<stem>/<id>.blob}: {@code size} bytes at {@code position}. */
  PACKED(1),
  /** Alone in its own sidecar {@code data/<stem>/<id>.blob}, which is exactly {@code size} bytes. */
  DEDICATED(2),
  /** Outside the dataset, at {@code blob_uri} ({@code position}/{@code size} of 0 mean the whole object). */
  EXTERNAL(3);

  private final int code;

  BlobKind(int code) {
    this.code = code;
  }

  /** The descriptor's {@code kind} byte. */
  public int code() {
    return code;
  }

  /** The kind for a descriptor byte, or null if the byte names none. */
  public static BlobKind of(int code) {
    for (BlobKind k : values()) {
      if (k.code == code) {
        return k;
      }
    }
    return null;
  }
}

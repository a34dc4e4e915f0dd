package dev.lancelet.cli.formats;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.apache.arrow.vector.ipc.ReadChannel;
import org.apache.arrow.vector.ipc.WriteChannel;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The {@code ARROW:schema} key of Parquet file metadata (written by Arrow's Parquet writers and by
 * ours): the original Arrow schema as a base64 IPC schema message. On read it refines the types
 * derived from the Parquet schema where the values are the same: a list back to a fixed-size or
 * large list, utf8/binary back to their large versions, a UTC timestamp back to its original zone;
 * field metadata comes back too. Any other difference keeps the Parquet-derived type, and an
 * unreadable hint is ignored (it only refines; the Parquet schema is the authority).
 */
final class ArrowSchemaHint {
  private ArrowSchemaHint() {}

  static final String KEY = "ARROW:schema";

  static String encode(Schema schema) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      MessageSerializer.serialize(new WriteChannel(Channels.newChannel(out)), schema);
    } catch (IOException e) {
      throw new IllegalStateException("serializing to memory cannot fail", e);
    }
    return Base64.getEncoder().encodeToString(out.toByteArray());
  }

  /** {@code derived} refined by the hint, or {@code derived} itself if there is no usable hint. */
  static Schema apply(Schema derived, String hint) {
    if (hint == null) {
      return derived;
    }
    Schema stored;
    try {
      byte[] bytes = Base64.getMimeDecoder().decode(hint);
      stored = MessageSerializer.deserializeSchema(new ReadChannel(Channels.newChannel(new ByteArrayInputStream(bytes))));
    } catch (IOException | RuntimeException e) {
      return derived;
    }
    if (stored == null || stored.getFields().size() != derived.getFields().size()) {
      return derived;
    }
    List<Field> out = new ArrayList<>();
    for (int k = 0; k < derived.getFields().size(); k++) {
      Field d = derived.getFields().get(k);
      Field s = stored.getFields().get(k);
      Field refined = refine(d, s);
      out.add(refined == null ? d : refined);
    }
    return new Schema(out, derived.getCustomMetadata());
  }

  /** {@code stored}'s type on {@code derived}'s nullability, or null if the values would differ. */
  private static Field refine(Field derived, Field stored) {
    if (!derived.getName().equals(stored.getName()) || stored.getDictionary() != null) {
      return null;
    }
    ArrowType d = derived.getType();
    ArrowType s = stored.getType();
    boolean compatible = d.equals(s)
        || (d instanceof ArrowType.List && (s instanceof ArrowType.FixedSizeList || s instanceof ArrowType.LargeList))
        || (d instanceof ArrowType.Utf8 && s instanceof ArrowType.LargeUtf8)
        || (d instanceof ArrowType.Binary && s instanceof ArrowType.LargeBinary)
        || (d instanceof ArrowType.Timestamp dt && s instanceof ArrowType.Timestamp st
            && dt.getUnit() == st.getUnit() && "UTC".equals(dt.getTimezone()) && st.getTimezone() != null);
    if (!compatible || derived.getChildren().size() != stored.getChildren().size()) {
      return null;
    }
    boolean listy = d instanceof ArrowType.List || d instanceof ArrowType.Map;
    List<Field> children = new ArrayList<>();
    for (int k = 0; k < derived.getChildren().size(); k++) {
      Field dc = derived.getChildren().get(k);
      Field sc = stored.getChildren().get(k);
      if (listy && !dc.getName().equals(sc.getName())) {
        sc = new Field(dc.getName(), sc.getFieldType(), sc.getChildren()); // item names vary between writers
      }
      Field c = refine(dc, sc);
      if (c == null) {
        return null;
      }
      children.add(c);
    }
    FieldType type = new FieldType(derived.isNullable(), s, null, stored.getMetadata());
    return new Field(derived.getName(), type, children);
  }
}

package dev.lancelet.file.v20;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.lancelet.file.LanceFormatException;
import dev.lancelet.format.proto.EncodingsV20Protos.ArrayEncoding;
import dev.lancelet.format.proto.EncodingsV20Protos.ColumnEncoding;
import dev.lancelet.format.proto.EncodingsV20Protos.Nullable;
import dev.lancelet.format.proto.File2Protos;
import java.util.List;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;

/** Parses page and column encodings and builds the decoder tree of a page. */
final class EncodingTree {
  static final String ARRAY_ENCODING_URL = "/lance.encodings.ArrayEncoding";
  static final String COLUMN_ENCODING_URL = "/lance.encodings.ColumnEncoding";
  /** Encoding trees deeper than this are rejected (a corrupt tree could otherwise recurse forever). */
  private static final int MAX_DEPTH = 32;

  private EncodingTree() {}

  /** The {@code ArrayEncoding} of a page, unwrapped from its {@code Direct} Any. */
  static ArrayEncoding pageEncoding(PageIo io, File2Protos.Encoding enc, String where) throws LanceFormatException {
    ByteString bytes = direct(io, enc, where);
    Any any = parseAny(io, bytes, where);
    if (!any.getTypeUrl().endsWith(ARRAY_ENCODING_URL)) {
      throw io.corrupt(
          "%s has encoding %s, not a 2.0 %s (is this really a 2.0 file?)", where, any.getTypeUrl(), ARRAY_ENCODING_URL);
    }
    try {
      return ArrayEncoding.parseFrom(any.getValue());
    } catch (InvalidProtocolBufferException e) {
      throw new LanceFormatException(io.location() + ": " + where + " has an unreadable ArrayEncoding", e);
    }
  }

  /** The {@code ColumnEncoding} of a column; an absent one means plain values. */
  static ColumnEncoding columnEncoding(PageIo io, File2Protos.Encoding enc, String where) throws LanceFormatException {
    if (enc.getLocationCase() != File2Protos.Encoding.LocationCase.DIRECT) {
      if (enc.getLocationCase() == File2Protos.Encoding.LocationCase.INDIRECT) {
        throw io.corrupt("%s has a deferred encoding, which 2.0 readers do not support", where);
      }
      return ColumnEncoding.getDefaultInstance();
    }
    Any any = parseAny(io, enc.getDirect().getEncoding(), where);
    if (!any.getTypeUrl().endsWith(COLUMN_ENCODING_URL)) {
      throw io.corrupt("%s has column encoding %s, expected %s", where, any.getTypeUrl(), COLUMN_ENCODING_URL);
    }
    try {
      return ColumnEncoding.parseFrom(any.getValue());
    } catch (InvalidProtocolBufferException e) {
      throw new LanceFormatException(io.location() + ": " + where + " has an unreadable ColumnEncoding", e);
    }
  }

  private static ByteString direct(PageIo io, File2Protos.Encoding enc, String where) throws LanceFormatException {
    if (enc.getLocationCase() != File2Protos.Encoding.LocationCase.DIRECT) {
      throw io.corrupt("%s has a %s encoding; 2.0 pages carry Direct encodings", where, enc.getLocationCase());
    }
    return enc.getDirect().getEncoding();
  }

  private static Any parseAny(PageIo io, ByteString bytes, String where) throws LanceFormatException {
    try {
      return Any.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new LanceFormatException(io.location() + ": " + where + " has an unreadable encoding", e);
    }
  }

  /**
   * Builds the decoder for {@code enc}, the encoding of a page whose rows decode into {@code
   * field}.
   */
  static Nodes.Node build(PageBuffers bufs, ArrayEncoding enc, Field field, String where) throws LanceFormatException {
    return build(bufs, enc, field, where, 0);
  }

  private static Nodes.Node build(PageBuffers bufs, ArrayEncoding enc, Field field, String where, int depth)
      throws LanceFormatException {
    PageIo io = bufs.io();
    if (depth > MAX_DEPTH) {
      throw io.corrupt("%s: encoding tree is deeper than %d", where, MAX_DEPTH);
    }
    switch (enc.getArrayEncodingCase()) {
      case FLAT -> {
        var flat = enc.getFlat();
        String compression = flat.hasCompression() ? flat.getCompression().getScheme() : "";
        return new Nodes.Flat(io, flat.getBitsPerValue(), bufs.resolve(flat.getBuffer(), where + " Flat"), compression);
      }
      case NULLABLE -> {
        Nullable n = enc.getNullable();
        switch (n.getNullabilityCase()) {
          case NO_NULLS -> {
            return new Nodes.NoNull(build(bufs, need(io, n.getNoNulls().hasValues(), n.getNoNulls().getValues(), where, "NoNull.values"), field, where, depth + 1));
          }
          case SOME_NULLS -> {
            var s = n.getSomeNulls();
            Nodes.Node validity = build(bufs, need(io, s.hasValidity(), s.getValidity(), where, "SomeNull.validity"), field, where, depth + 1);
            Nodes.Node values = build(bufs, need(io, s.hasValues(), s.getValues(), where, "SomeNull.values"), field, where, depth + 1);
            return new Nodes.SomeNull(io, validity, values);
          }
          case ALL_NULLS -> {
            return new Nodes.AllNull(io);
          }
          default -> throw io.corrupt("%s: Nullable encoding without a nullability", where);
        }
      }
      case FIXED_SIZE_LIST -> {
        var fsl = enc.getFixedSizeList();
        long dim = Integer.toUnsignedLong(fsl.getDimension());
        if (dim == 0 || dim > 1 << 24) {
          throw io.corrupt("%s: FixedSizeList dimension %d is out of range", where, dim);
        }
        if (fsl.getHasValidity()) {
          throw io.corrupt("%s: FixedSizeList with its own validity is not a 2.0 encoding", where);
        }
        if (!(field.getType() instanceof ArrowType.FixedSizeList t) || t.getListSize() != dim) {
          throw io.corrupt("%s: page holds FixedSizeList(%d) but the field is %s", where, dim, field.getType());
        }
        Field child = field.getChildren().get(0);
        return new Nodes.Fsl(io, (int) dim, build(bufs, need(io, fsl.hasItems(), fsl.getItems(), where, "FixedSizeList.items"), child, where, depth + 1));
      }
      case BINARY -> {
        var b = enc.getBinary();
        Nodes.Node indices = build(bufs, need(io, b.hasIndices(), b.getIndices(), where, "Binary.indices"), field, where, depth + 1);
        Nodes.Node bytes = build(bufs, need(io, b.hasBytes(), b.getBytes(), where, "Binary.bytes"), field, where, depth + 1);
        return new Nodes.Binary(io, indices, bytes, b.getNullAdjustment());
      }
      case DICTIONARY -> {
        var d = enc.getDictionary();
        boolean dictionaryTyped = field.getDictionary() != null;
        Nodes.Node indices = build(bufs, need(io, d.hasIndices(), d.getIndices(), where, "Dictionary.indices"), field, where, depth + 1);
        Nodes.Node items = build(bufs, need(io, d.hasItems(), d.getItems(), where, "Dictionary.items"), field, where, depth + 1);
        return new Nodes.Dictionary(io, indices, items, Integer.toUnsignedLong(d.getNumDictionaryItems()), !dictionaryTyped);
      }
      case PACKED_STRUCT -> {
        var p = enc.getPackedStruct();
        List<Field> children = field.getChildren();
        if (!(field.getType() instanceof ArrowType.Struct) || children.size() != p.getInnerCount()) {
          throw io.corrupt("%s: PackedStruct with %d fields for field %s of type %s", where, p.getInnerCount(), field.getName(), field.getType());
        }
        int[] bits = new int[children.size()];
        for (int i = 0; i < bits.length; i++) {
          bits[i] = packedWidth(io, p.getInner(i), where);
        }
        return new Nodes.Packed(io, bits, bufs.resolve(p.getBuffer(), where + " PackedStruct"));
      }
      case FSST, BITPACKED, BITPACKED_FOR_NON_NEG, FIXED_SIZE_BINARY, CONSTANT -> throw io.corrupt(
          "%s: the 2.0 encoding %s is not supported by this reader (Lance 7.0 does not write it by default)", where, enc.getArrayEncodingCase());
      default -> throw io.corrupt("%s: %s is not a 2.0 page encoding", where, enc.getArrayEncodingCase());
    }
  }

  /** The encoding tree in one line, e.g. {@code SomeNull(validity=Flat(1), values=Flat(32))}. */
  static String describe(ArrayEncoding e) {
    return switch (e.getArrayEncodingCase()) {
      case FLAT -> "Flat(" + e.getFlat().getBitsPerValue()
          + (e.getFlat().hasCompression() ? ", " + e.getFlat().getCompression().getScheme() : "") + ")";
      case NULLABLE -> switch (e.getNullable().getNullabilityCase()) {
        case NO_NULLS -> "NoNull(" + describe(e.getNullable().getNoNulls().getValues()) + ")";
        case SOME_NULLS -> "SomeNull(validity=" + describe(e.getNullable().getSomeNulls().getValidity())
            + ", values=" + describe(e.getNullable().getSomeNulls().getValues()) + ")";
        case ALL_NULLS -> "AllNull";
        default -> "Nullable(?)";
      };
      case FIXED_SIZE_LIST -> "FixedSizeList(" + Integer.toUnsignedString(e.getFixedSizeList().getDimension()) + ", "
          + describe(e.getFixedSizeList().getItems()) + ")";
      case LIST -> "List(offsets=" + describe(e.getList().getOffsets()) + ", null_offset_adjustment="
          + Long.toUnsignedString(e.getList().getNullOffsetAdjustment()) + ", num_items=" + Long.toUnsignedString(e.getList().getNumItems()) + ")";
      case STRUCT -> "SimpleStruct";
      case BINARY -> "Binary(indices=" + describe(e.getBinary().getIndices()) + ", bytes=" + describe(e.getBinary().getBytes())
          + ", null_adjustment=" + Long.toUnsignedString(e.getBinary().getNullAdjustment()) + ")";
      case DICTIONARY -> "Dictionary(indices=" + describe(e.getDictionary().getIndices()) + ", items="
          + describe(e.getDictionary().getItems()) + ", num_items=" + Integer.toUnsignedString(e.getDictionary().getNumDictionaryItems()) + ")";
      case PACKED_STRUCT -> {
        StringBuilder sb = new StringBuilder("PackedStruct(");
        for (int i = 0; i < e.getPackedStruct().getInnerCount(); i++) {
          sb.append(i == 0 ? "" : ", ").append(describe(e.getPackedStruct().getInner(i)));
        }
        yield sb.append(")").toString();
      }
      default -> e.getArrayEncodingCase().name();
    };
  }

  /** The bit width of one packed-struct child, which must be fixed-width {@code NoNull(Flat)} or {@code Flat}. */
  private static int packedWidth(PageIo io, ArrayEncoding e, String where) throws LanceFormatException {
    ArrayEncoding x = e;
    if (x.hasNullable() && x.getNullable().hasNoNulls()) {
      x = x.getNullable().getNoNulls().getValues();
    }
    if (!x.hasFlat() || x.getFlat().getBitsPerValue() % 8 != 0 || x.getFlat().getBitsPerValue() == 0
        || x.getFlat().getBitsPerValue() > 1 << 16) {
      throw io.corrupt("%s: PackedStruct children must be whole-byte Flat values", where);
    }
    return (int) x.getFlat().getBitsPerValue();
  }

  private static ArrayEncoding need(PageIo io, boolean has, ArrayEncoding e, String where, String what) throws LanceFormatException {
    if (!has) {
      throw io.corrupt("%s: %s is missing", where, what);
    }
    return e;
  }
}

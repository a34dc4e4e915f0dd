package dev.lancelet.file.testing;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.TextFormat;
import com.google.protobuf.UnknownFieldSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Prints Lance's protobuf messages as text, for dumps and the census.
 *
 * <p>Message types are looked up by full name (e.g. {@code lance.encodings21.PageLayout}) in the
 * descriptors of the generated classes of module format-spec, found reflectively, so this class
 * compiles and works without them: a type with no descriptor is printed the way {@code protoc
 * --decode_raw} would (field numbers only). Fields missing from the generated protos (newer than
 * them) show up as numbered unknown fields, e.g. {@code 10: 1}.
 */
public final class ProtoText {

  private static final String[] OUTER_CLASSES = {
    "dev.lancelet.format.proto.File2Protos",
    "dev.lancelet.format.proto.FileProtos",
    "dev.lancelet.format.proto.EncodingsV20Protos",
    "dev.lancelet.format.proto.EncodingsV21Protos",
  };

  private static final Map<String, Descriptor> TYPES = new HashMap<>();

  static {
    for (String cls : OUTER_CLASSES) {
      try {
        FileDescriptor fd = (FileDescriptor) Class.forName(cls).getMethod("getDescriptor").invoke(null);
        for (Descriptor d : fd.getMessageTypes()) {
          register(d);
        }
      } catch (ReflectiveOperationException | LinkageError e) {
        // Not on the class path: fall back to raw decoding for its types.
      }
    }
  }

  private ProtoText() {}

  private static void register(Descriptor d) {
    TYPES.put(d.getFullName(), d);
    for (Descriptor n : d.getNestedTypes()) {
      register(n);
    }
  }

  /** True if a descriptor for {@code fullName} is available. */
  public static boolean knows(String fullName) {
    return TYPES.containsKey(strip(fullName));
  }

  /** Multi-line text format of {@code bytes} as message {@code fullName} (or a type URL). */
  public static String text(String fullName, byte[] bytes) {
    Descriptor d = TYPES.get(strip(fullName));
    try {
      if (d != null) {
        return TextFormat.printer().printToString(DynamicMessage.parseFrom(d, bytes));
      }
      return UnknownFieldSet.parseFrom(bytes).toString();
    } catch (InvalidProtocolBufferException e) {
      return "<unparseable " + fullName + ": " + e.getMessage() + ">";
    }
  }

  /**
   * One-line form: {@code MiniBlockLayout(value_compression=Flat(32), layers=[ALL_VALID_ITEM],
   * num_buffers=1)}. A message whose only set field is a message in a oneof is replaced by that
   * message (so wrappers such as CompressiveEncoding or PageLayout disappear), and a message with
   * a single scalar field prints just the value.
   */
  public static String compact(String fullName, byte[] bytes) {
    Descriptor d = TYPES.get(strip(fullName));
    try {
      if (d != null) {
        return compact(DynamicMessage.parseFrom(d, bytes));
      }
      return compactRaw(UnknownFieldSet.parseFrom(bytes));
    } catch (InvalidProtocolBufferException e) {
      return "<unparseable " + fullName + ">";
    }
  }

  /** The name of the outermost message after unwrapping oneof wrappers (e.g. MiniBlockLayout). */
  public static String layoutName(String fullName, byte[] bytes) {
    String c = compact(fullName, bytes);
    int p = c.indexOf('(');
    return p < 0 ? c : c.substring(0, p);
  }

  static String compact(Message m) {
    Map<FieldDescriptor, Object> fields = m.getAllFields();
    UnknownFieldSet unknown = m.getUnknownFields();
    if (fields.size() == 1 && unknown.asMap().isEmpty()) {
      Map.Entry<FieldDescriptor, Object> only = fields.entrySet().iterator().next();
      FieldDescriptor f = only.getKey();
      if (!f.isRepeated() && f.getRealContainingOneof() != null && f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
        Message child = (Message) only.getValue();
        if (child.getAllFields().isEmpty() && child.getUnknownFields().asMap().isEmpty()) {
          return f.getMessageType().getName().equals("Empty") ? f.getName() : f.getMessageType().getName();
        }
        return compact(child);
      }
    }
    String name = m.getDescriptorForType().getName();
    List<String> parts = new ArrayList<>();
    for (Map.Entry<FieldDescriptor, Object> e : fields.entrySet()) {
      parts.add(e.getKey().getName() + "=" + value(e.getKey(), e.getValue()));
    }
    for (Map.Entry<Integer, UnknownFieldSet.Field> e : unknown.asMap().entrySet()) {
      parts.add("#" + e.getKey() + "=" + rawValue(e.getValue()));
    }
    if (parts.isEmpty()) {
      return name;
    }
    if (parts.size() == 1 && unknown.asMap().isEmpty()) {
      FieldDescriptor f = fields.keySet().iterator().next();
      if (!f.isRepeated() && f.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
        return name + "(" + value(f, fields.get(f)) + ")";
      }
    }
    return name + "(" + String.join(", ", parts) + ")";
  }

  private static String value(FieldDescriptor f, Object v) {
    if (f.isRepeated()) {
      List<String> items = new ArrayList<>();
      for (Object o : (List<?>) v) {
        items.add(single(f, o));
      }
      return "[" + String.join(", ", items) + "]";
    }
    return single(f, v);
  }

  private static String single(FieldDescriptor f, Object v) {
    return switch (f.getJavaType()) {
      case MESSAGE -> compact((Message) v);
      case ENUM -> ((EnumValueDescriptor) v).getName();
      case BYTE_STRING -> "<" + ((ByteString) v).size() + " B>";
      case STRING -> "\"" + v + "\"";
      default -> String.valueOf(v);
    };
  }

  private static String compactRaw(UnknownFieldSet s) {
    List<String> parts = new ArrayList<>();
    for (Map.Entry<Integer, UnknownFieldSet.Field> e : s.asMap().entrySet()) {
      parts.add(e.getKey() + "=" + rawValue(e.getValue()));
    }
    return "{" + String.join(", ", parts) + "}";
  }

  private static String rawValue(UnknownFieldSet.Field f) {
    List<String> v = new ArrayList<>();
    f.getVarintList().forEach(x -> v.add(Long.toUnsignedString(x)));
    f.getFixed32List().forEach(x -> v.add("0x" + Integer.toHexString(x)));
    f.getFixed64List().forEach(x -> v.add("0x" + Long.toHexString(x)));
    for (ByteString b : f.getLengthDelimitedList()) {
      try {
        UnknownFieldSet nested = UnknownFieldSet.parseFrom(b);
        v.add(nested.asMap().isEmpty() ? "<" + b.size() + " B>" : compactRaw(nested));
      } catch (InvalidProtocolBufferException e) {
        v.add("<" + b.size() + " B>");
      }
    }
    f.getGroupList().forEach(g -> v.add(compactRaw(g)));
    return v.size() == 1 ? v.get(0) : v.toString();
  }

  private static String strip(String typeUrlOrName) {
    int slash = typeUrlOrName.lastIndexOf('/');
    return slash < 0 ? typeUrlOrName : typeUrlOrName.substring(slash + 1);
  }
}

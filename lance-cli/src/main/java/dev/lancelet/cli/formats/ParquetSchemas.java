package dev.lancelet.cli.formats;

import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Type.Repetition;
import org.apache.parquet.schema.Types;

/** Maps schemas between Arrow and Parquet (see docs/formats.md for the table). */
final class ParquetSchemas {
  private ParquetSchemas() {}

  /** Thrown for a type one side cannot express; the message names the column path. */
  static final class Unsupported extends Exception {
    private static final long serialVersionUID = 1L;

    Unsupported(String message) {
      super(message);
    }
  }

  // ---------------------------------------------------------------- Arrow -> Parquet

  static MessageType toParquet(Schema schema) throws Unsupported {
    List<Type> fields = new ArrayList<>();
    for (Field f : schema.getFields()) {
      fields.add(toParquet(f, f.getName(), f.getName()));
    }
    return new MessageType("arrow_schema", fields);
  }

  /** Bytes of the smallest two's complement FIXED_LEN_BYTE_ARRAY that holds {@code precision} digits. */
  static int decimalBytes(int precision) {
    int bytes = 1;
    while (Math.pow(2, 8 * bytes - 1) < Math.pow(10, precision)) {
      bytes++;
    }
    return bytes;
  }

  private static Type toParquet(Field f, String name, String path) throws Unsupported {
    Repetition rep = f.isNullable() ? Repetition.OPTIONAL : Repetition.REQUIRED;
    ArrowType t = f.getType();
    return switch (t) {
      case ArrowType.Int i -> Types.primitive(i.getBitWidth() == 64 ? PrimitiveTypeName.INT64 : PrimitiveTypeName.INT32, rep)
          .as(LogicalTypeAnnotation.intType(i.getBitWidth(), i.getIsSigned())).named(name);
      case ArrowType.FloatingPoint fp -> switch (fp.getPrecision()) {
        case HALF -> Types.primitive(PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY, rep).length(2)
            .as(LogicalTypeAnnotation.float16Type()).named(name);
        case SINGLE -> Types.primitive(PrimitiveTypeName.FLOAT, rep).named(name);
        case DOUBLE -> Types.primitive(PrimitiveTypeName.DOUBLE, rep).named(name);
      };
      case ArrowType.Bool b -> Types.primitive(PrimitiveTypeName.BOOLEAN, rep).named(name);
      case ArrowType.Utf8 u -> Types.primitive(PrimitiveTypeName.BINARY, rep).as(LogicalTypeAnnotation.stringType()).named(name);
      case ArrowType.LargeUtf8 u -> Types.primitive(PrimitiveTypeName.BINARY, rep).as(LogicalTypeAnnotation.stringType()).named(name);
      case ArrowType.Binary b -> Types.primitive(PrimitiveTypeName.BINARY, rep).named(name);
      case ArrowType.LargeBinary b -> Types.primitive(PrimitiveTypeName.BINARY, rep).named(name);
      case ArrowType.FixedSizeBinary b -> Types.primitive(PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY, rep)
          .length(b.getByteWidth()).named(name);
      case ArrowType.Decimal d -> {
        LogicalTypeAnnotation a = LogicalTypeAnnotation.decimalType(d.getScale(), d.getPrecision());
        if (d.getPrecision() <= 9) {
          yield Types.primitive(PrimitiveTypeName.INT32, rep).as(a).named(name);
        }
        if (d.getPrecision() <= 18) {
          yield Types.primitive(PrimitiveTypeName.INT64, rep).as(a).named(name);
        }
        yield Types.primitive(PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY, rep).length(decimalBytes(d.getPrecision()))
            .as(a).named(name);
      }
      case ArrowType.Date d -> Types.primitive(PrimitiveTypeName.INT32, rep).as(LogicalTypeAnnotation.dateType()).named(name);
      case ArrowType.Time tm -> switch (tm.getUnit()) {
        case SECOND, MILLISECOND -> Types.primitive(PrimitiveTypeName.INT32, rep)
            .as(LogicalTypeAnnotation.timeType(false, LogicalTypeAnnotation.TimeUnit.MILLIS)).named(name);
        case MICROSECOND -> Types.primitive(PrimitiveTypeName.INT64, rep)
            .as(LogicalTypeAnnotation.timeType(false, LogicalTypeAnnotation.TimeUnit.MICROS)).named(name);
        case NANOSECOND -> Types.primitive(PrimitiveTypeName.INT64, rep)
            .as(LogicalTypeAnnotation.timeType(false, LogicalTypeAnnotation.TimeUnit.NANOS)).named(name);
      };
      case ArrowType.Timestamp ts -> Types.primitive(PrimitiveTypeName.INT64, rep)
          .as(LogicalTypeAnnotation.timestampType(ts.getTimezone() != null, switch (ts.getUnit()) {
            case SECOND, MILLISECOND -> LogicalTypeAnnotation.TimeUnit.MILLIS;
            case MICROSECOND -> LogicalTypeAnnotation.TimeUnit.MICROS;
            case NANOSECOND -> LogicalTypeAnnotation.TimeUnit.NANOS;
          })).named(name);
      case ArrowType.List l -> list(f, name, path, rep);
      case ArrowType.LargeList l -> list(f, name, path, rep);
      case ArrowType.FixedSizeList l -> list(f, name, path, rep);
      case ArrowType.Map m -> {
        Field entries = f.getChildren().get(0);
        Type key = toParquet(entries.getChildren().get(0), "key", path + ".key");
        if (key.getRepetition() != Repetition.REQUIRED) {
          key = asRequired(key); // Parquet map keys are required
        }
        Type value = toParquet(entries.getChildren().get(1), "value", path + ".value");
        yield Types.buildGroup(rep).as(LogicalTypeAnnotation.mapType())
            .addField(new GroupType(Repetition.REPEATED, "key_value", key, value)).named(name);
      }
      case ArrowType.Struct s -> {
        if (f.getChildren().isEmpty()) {
          throw new Unsupported("column '" + path + "': Parquet cannot hold a struct without fields");
        }
        List<Type> children = new ArrayList<>();
        for (Field c : f.getChildren()) {
          children.add(toParquet(c, c.getName(), path + "." + c.getName()));
        }
        yield new GroupType(rep, name, children);
      }
      default -> throw new Unsupported("column '" + path + "' has type " + TypeNames.name(f)
          + ", which the Parquet export does not support");
    };
  }

  private static Type asRequired(Type t) {
    if (t.isPrimitive()) {
      PrimitiveType p = t.asPrimitiveType();
      Types.PrimitiveBuilder<PrimitiveType> b = Types.primitive(p.getPrimitiveTypeName(), Repetition.REQUIRED);
      if (p.getPrimitiveTypeName() == PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY) {
        b = b.length(p.getTypeLength());
      }
      return b.as(p.getLogicalTypeAnnotation()).named(p.getName());
    }
    return Types.buildGroup(Repetition.REQUIRED).as(t.getLogicalTypeAnnotation())
        .addFields(t.asGroupType().getFields().toArray(Type[]::new)).named(t.getName());
  }

  private static Type list(Field f, String name, String path, Repetition rep) throws Unsupported {
    Field item = f.getChildren().get(0);
    Type element = toParquet(item, "element", path + "[]");
    return Types.buildGroup(rep).as(LogicalTypeAnnotation.listType())
        .addField(new GroupType(Repetition.REPEATED, "list", element)).named(name);
  }

  // ---------------------------------------------------------------- Parquet -> Arrow

  static Schema toArrow(MessageType message) throws Unsupported {
    List<Field> fields = new ArrayList<>();
    for (Type t : message.getFields()) {
      fields.add(toArrow(t, t.getName(), t.getName()));
    }
    return new Schema(fields);
  }

  /**
   * The Arrow field of a Parquet field. A repeated field outside a LIST or MAP group becomes a
   * non-null list of its (required) values.
   */
  static Field toArrow(Type t, String name, String path) throws Unsupported {
    if (t.isRepetition(Repetition.REPEATED)) {
      Field element = toArrowValue(t, "element", path + "[]", false);
      return new Field(name, FieldType.notNullable(ArrowType.List.INSTANCE), List.of(element));
    }
    return toArrowValue(t, name, path, t.isRepetition(Repetition.OPTIONAL));
  }

  private static Field toArrowValue(Type t, String name, String path, boolean nullable) throws Unsupported {
    if (t.isPrimitive()) {
      return new Field(name, new FieldType(nullable, primitive(t.asPrimitiveType(), path), null), null);
    }
    GroupType g = t.asGroupType();
    LogicalTypeAnnotation a = g.getLogicalTypeAnnotation();
    if (a instanceof LogicalTypeAnnotation.ListLogicalTypeAnnotation && g.getFieldCount() == 1
        && g.getType(0).isRepetition(Repetition.REPEATED)) {
      Type element = listElement(g);
      Field item = toArrowValue(element, "element", path + "[]", element.isRepetition(Repetition.OPTIONAL));
      return new Field(name, new FieldType(nullable, ArrowType.List.INSTANCE, null), List.of(item));
    }
    if ((a instanceof LogicalTypeAnnotation.MapLogicalTypeAnnotation
        || a instanceof LogicalTypeAnnotation.MapKeyValueTypeAnnotation)
        && g.getFieldCount() == 1 && !g.getType(0).isPrimitive() && g.getType(0).isRepetition(Repetition.REPEATED)
        && g.getType(0).asGroupType().getFieldCount() == 2) {
      GroupType kv = g.getType(0).asGroupType();
      Field key = toArrowValue(kv.getType(0), "key", path + ".key", false);
      Field value = toArrowValue(kv.getType(1), "value", path + ".value", kv.getType(1).isRepetition(Repetition.OPTIONAL));
      Field entries = new Field("entries", FieldType.notNullable(ArrowType.Struct.INSTANCE), List.of(key, value));
      return new Field(name, new FieldType(nullable, new ArrowType.Map(false), null), List.of(entries));
    }
    if (g.getFieldCount() == 0) {
      throw new Unsupported("column '" + path + "': empty group");
    }
    List<Field> children = new ArrayList<>();
    for (Type c : g.getFields()) {
      children.add(toArrow(c, c.getName(), path + "." + c.getName()));
    }
    return new Field(name, new FieldType(nullable, ArrowType.Struct.INSTANCE, null), children);
  }

  /** Whether a LIST group uses the standard three levels (the repeated group wraps the element). */
  static boolean isThreeLevel(GroupType list) {
    Type repeated = list.getType(0);
    return !repeated.isPrimitive()
        && repeated.asGroupType().getFieldCount() == 1
        && !repeated.getName().equals("array")
        && !repeated.getName().equals(list.getName() + "_tuple");
  }

  /** The element type of a LIST group, under either the three-level or the legacy two-level layout. */
  static Type listElement(GroupType list) {
    Type repeated = list.getType(0);
    if (isThreeLevel(list)) {
      return repeated.asGroupType().getType(0);
    }
    return asRequired(repeated);
  }

  private static ArrowType primitive(PrimitiveType p, String path) throws Unsupported {
    LogicalTypeAnnotation a = p.getLogicalTypeAnnotation();
    switch (p.getPrimitiveTypeName()) {
      case BOOLEAN:
        return ArrowType.Bool.INSTANCE;
      case FLOAT:
        return new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
      case DOUBLE:
        return new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
      case INT96:
        return new ArrowType.Timestamp(TimeUnit.NANOSECOND, null);
      case INT32:
      case INT64: {
        boolean is64 = p.getPrimitiveTypeName() == PrimitiveTypeName.INT64;
        if (a == null) {
          return new ArrowType.Int(is64 ? 64 : 32, true);
        }
        if (a instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation i) {
          return new ArrowType.Int(i.getBitWidth(), i.isSigned());
        }
        if (a instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation d) {
          return decimal(d);
        }
        if (a instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation && !is64) {
          return new ArrowType.Date(DateUnit.DAY);
        }
        if (a instanceof LogicalTypeAnnotation.TimeLogicalTypeAnnotation tm) {
          return switch (tm.getUnit()) {
            case MILLIS -> new ArrowType.Time(TimeUnit.MILLISECOND, 32);
            case MICROS -> new ArrowType.Time(TimeUnit.MICROSECOND, 64);
            case NANOS -> new ArrowType.Time(TimeUnit.NANOSECOND, 64);
          };
        }
        if (a instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation ts && is64) {
          TimeUnit unit = switch (ts.getUnit()) {
            case MILLIS -> TimeUnit.MILLISECOND;
            case MICROS -> TimeUnit.MICROSECOND;
            case NANOS -> TimeUnit.NANOSECOND;
          };
          return new ArrowType.Timestamp(unit, ts.isAdjustedToUTC() ? "UTC" : null);
        }
        break;
      }
      case BINARY:
        if (a == null || a instanceof LogicalTypeAnnotation.BsonLogicalTypeAnnotation) {
          return ArrowType.Binary.INSTANCE;
        }
        if (a instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
            || a instanceof LogicalTypeAnnotation.EnumLogicalTypeAnnotation
            || a instanceof LogicalTypeAnnotation.JsonLogicalTypeAnnotation) {
          return ArrowType.Utf8.INSTANCE;
        }
        if (a instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation d) {
          return decimal(d);
        }
        break;
      case FIXED_LEN_BYTE_ARRAY:
        if (a instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation d) {
          return decimal(d);
        }
        if (a instanceof LogicalTypeAnnotation.Float16LogicalTypeAnnotation && p.getTypeLength() == 2) {
          return new ArrowType.FloatingPoint(FloatingPointPrecision.HALF);
        }
        return new ArrowType.FixedSizeBinary(p.getTypeLength());
      default:
        break;
    }
    throw new Unsupported("column '" + path + "': Parquet type " + p.getPrimitiveTypeName()
        + (a == null ? "" : " (" + a + ")") + " is not supported");
  }

  private static ArrowType decimal(LogicalTypeAnnotation.DecimalLogicalTypeAnnotation d) {
    return new ArrowType.Decimal(d.getPrecision(), d.getScale(), d.getPrecision() <= 38 ? 128 : 256);
  }
}

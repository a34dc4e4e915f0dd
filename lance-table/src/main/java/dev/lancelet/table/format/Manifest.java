package dev.lancelet.table.format;

import com.google.protobuf.Timestamp;
import dev.lancelet.file.LanceFormatException;
import dev.lancelet.format.proto.TableProtos;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One version of a dataset: its schema, its fragments and bookkeeping (version number, commit
 * time, writer, feature flags, largest fragment id). Immutable; the {@code with...} methods return
 * changed copies. The value wraps the stored message, so fields it does not model are written back
 * unchanged.
 *
 * <p>The positions of the index and transaction sections ({@link #indexSectionOffset()}, {@link
 * #transactionSectionOffset()}) describe the file the manifest was read from; {@link
 * ManifestFile#encode} sets them anew when writing.
 */
public final class Manifest {
  /** Name of the library Lance itself records as writer. */
  public static final String LANCE_LIBRARY = "lance";

  private final TableProtos.Manifest proto;
  private final TableSchema schema;
  private final List<Fragment> fragments;

  private Manifest(TableProtos.Manifest proto, TableSchema schema) {
    this.proto = proto;
    this.schema = schema;
    List<Fragment> fs = new ArrayList<>(proto.getFragmentsCount());
    for (TableProtos.DataFragment f : proto.getFragmentsList()) {
      fs.add(Fragment.fromProto(f));
    }
    this.fragments = Collections.unmodifiableList(fs);
  }

  /**
   * The manifest of a stored message.
   *
   * @throws LanceFormatException if the schema is invalid
   */
  public static Manifest fromProto(TableProtos.Manifest proto) throws LanceFormatException {
    return new Manifest(proto, TableSchema.of(proto.getFieldsList(), proto.getSchemaMetadataMap()));
  }

  /**
   * A first manifest (before its version is set) for a new dataset.
   *
   * @param schema the dataset schema
   * @param fragments the fragments, with final ids
   * @param fileVersion data storage version, e.g. {@code "2.1"}
   */
  public static Manifest create(TableSchema schema, List<Fragment> fragments, String fileVersion) {
    TableProtos.Manifest.Builder b = TableProtos.Manifest.newBuilder()
        .addAllFields(schema.fields())
        .putAllSchemaMetadata(schema.metadata())
        .setDataFormat(TableProtos.Manifest.DataStorageFormat.newBuilder().setFileFormat("lance").setVersion(fileVersion));
    return new Manifest(b.build(), schema).withFragments(fragments);
  }

  /** The stored message. */
  public TableProtos.Manifest toProto() {
    return proto;
  }

  /** Version number, from 1. */
  public long version() {
    return proto.getVersion();
  }

  /** The dataset schema at this version. */
  public TableSchema schema() {
    return schema;
  }

  /** Fragments in dataset order. */
  public List<Fragment> fragments() {
    return fragments;
  }

  /** The fragment with {@code id}, or null. */
  public Fragment fragment(long id) {
    for (Fragment f : fragments) {
      if (f.id() == id) {
        return f;
      }
    }
    return null;
  }

  /** Commit time, or null when not recorded. */
  public Instant timestamp() {
    if (!proto.hasTimestamp()) {
      return null;
    }
    Timestamp t = proto.getTimestamp();
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }

  /** The writing library and its version, e.g. {@code lance 7.0.0}; empty strings when unset. */
  public String writerLibrary() {
    return proto.getWriterVersion().getLibrary();
  }

  /** Version of the writing library. */
  public String writerVersion() {
    return proto.getWriterVersion().getVersion();
  }

  /** Feature bits a reader must understand ({@link FeatureFlags}). */
  public long readerFeatureFlags() {
    return proto.getReaderFeatureFlags();
  }

  /** Feature bits a writer must understand ({@link FeatureFlags}). */
  public long writerFeatureFlags() {
    return proto.getWriterFeatureFlags();
  }

  /** Largest fragment id ever used, or -1 when none ever was. */
  public long maxFragmentId() {
    if (proto.hasMaxFragmentId()) {
      return Integer.toUnsignedLong(proto.getMaxFragmentId());
    }
    // Very old manifests do not record it: the largest id present is the best we know.
    long max = -1;
    for (Fragment f : fragments) {
      max = Math.max(max, f.id());
    }
    return max;
  }

  /** Whether row ids are stable (every fragment carries a row-id sequence). */
  public boolean stableRowIds() {
    return (proto.getReaderFeatureFlags() & FeatureFlags.STABLE_ROW_IDS) != 0;
  }

  /** Next unused row id (stable row ids only). */
  public long nextRowId() {
    return proto.getNextRowId();
  }

  /** The data storage (file format) version, e.g. {@code "2.1"}; empty for very old datasets. */
  public String dataStorageVersion() {
    return proto.getDataFormat().getVersion();
  }

  /** Table config entries. */
  public Map<String, String> config() {
    return proto.getConfigMap();
  }

  /** Transaction file name under {@code _transactions/}, empty when none was written. */
  public String transactionFile() {
    return proto.getTransactionFile();
  }

  /** Offset of the embedded transaction in the manifest file, or -1. */
  public long transactionSectionOffset() {
    return proto.hasTransactionSection() ? proto.getTransactionSection() : -1;
  }

  /** Offset of the index section in the manifest file, or -1. */
  public long indexSectionOffset() {
    return proto.hasIndexSection() ? proto.getIndexSection() : -1;
  }

  /** Whether files may live under other base paths (read, never written, by Lancelet). */
  public boolean hasBasePaths() {
    return proto.getBasePathsCount() > 0;
  }

  /** The base paths data, deletion and index files may name by id (empty for most datasets). */
  public java.util.List<dev.lancelet.format.proto.TableProtos.BasePath> basePaths() {
    return proto.getBasePathsList();
  }

  /** Rows stored in all fragments, deleted ones included. */
  public long physicalRows() {
    long n = 0;
    for (Fragment f : fragments) {
      n += f.physicalRows();
    }
    return n;
  }

  // ------------------------------------------------------------------ changes

  /** A copy with another message built from this one's. */
  private Manifest with(TableProtos.Manifest.Builder b, TableSchema s) {
    return new Manifest(b.build(), s);
  }

  /** This manifest with version {@code v}. */
  public Manifest withVersion(long v) {
    return with(proto.toBuilder().setVersion(v), schema);
  }

  /** This manifest with commit time {@code t}. */
  public Manifest withTimestamp(Instant t) {
    return with(proto.toBuilder().setTimestamp(Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano())), schema);
  }

  /** This manifest recording {@code library version} as its writer. */
  public Manifest withWriter(String library, String version) {
    return with(proto.toBuilder().setWriterVersion(
        TableProtos.Manifest.WriterVersion.newBuilder().setLibrary(library).setVersion(version)), schema);
  }

  /** This manifest with another schema. */
  public Manifest withSchema(TableSchema s) {
    return with(proto.toBuilder().clearFields().addAllFields(s.fields()).clearSchemaMetadata().putAllSchemaMetadata(s.metadata()), s);
  }

  /**
   * This manifest with other fragments; {@code max_fragment_id} becomes the larger of its old value
   * and the largest new id.
   */
  public Manifest withFragments(List<Fragment> fs) {
    TableProtos.Manifest.Builder b = proto.toBuilder().clearFragments();
    long max = proto.hasMaxFragmentId() ? Integer.toUnsignedLong(proto.getMaxFragmentId()) : -1;
    for (Fragment f : fs) {
      b.addFragments(f.toProto());
      max = Math.max(max, f.id());
    }
    if (max >= 0) {
      if (max > 0xFFFF_FFFFL) {
        throw new IllegalArgumentException("Fragment id " + max + " does not fit max_fragment_id (u32)");
      }
      b.setMaxFragmentId((int) max);
    }
    return with(b, schema);
  }

  /** This manifest with {@code max_fragment_id} set. */
  public Manifest withMaxFragmentId(long id) {
    return with(proto.toBuilder().setMaxFragmentId((int) id), schema);
  }

  /** This manifest with the next unused row id set. */
  public Manifest withNextRowId(long id) {
    return with(proto.toBuilder().setNextRowId(id), schema);
  }

  /** This manifest with the transaction file name set (empty clears it). */
  public Manifest withTransactionFile(String name) {
    return with(proto.toBuilder().setTransactionFile(Objects.requireNonNull(name)), schema);
  }

  /** This manifest with the section offsets set (-1 clears). Used by {@link ManifestFile}. */
  Manifest withSections(long indexSection, long transactionSection) {
    TableProtos.Manifest.Builder b = proto.toBuilder();
    if (indexSection < 0) {
      b.clearIndexSection();
    } else {
      b.setIndexSection(indexSection);
    }
    if (transactionSection < 0) {
      b.clearTransactionSection();
    } else {
      b.setTransactionSection(transactionSection);
    }
    return with(b, schema);
  }

  /**
   * This manifest with its feature flags recomputed from its content, as Lance does: deletion
   * files set bit 1, stable row ids bit 2 (all fragments must then carry row ids), table config
   * bit 8 (writer only), base paths bit 16.
   *
   * @throws IllegalStateException if stable row ids are on but a fragment has none
   */
  public Manifest withFeatureFlags(boolean stableRowIds) {
    long reader = 0;
    long writer = 0;
    boolean deletions = false;
    boolean anyRowIds = false;
    boolean allRowIds = true;
    for (Fragment f : fragments) {
      deletions |= f.deletionFile() != null;
      anyRowIds |= f.hasRowIds();
      allRowIds &= f.hasRowIds();
    }
    if (deletions) {
      reader |= FeatureFlags.DELETION_FILES;
      writer |= FeatureFlags.DELETION_FILES;
    }
    if (anyRowIds || stableRowIds) {
      if (!allRowIds) {
        throw new IllegalStateException("Stable row ids are on but some fragment has no row-id sequence");
      }
      reader |= FeatureFlags.STABLE_ROW_IDS;
      writer |= FeatureFlags.STABLE_ROW_IDS;
    }
    if (proto.getConfigCount() > 0) {
      writer |= FeatureFlags.TABLE_CONFIG;
    }
    if (proto.getBasePathsCount() > 0) {
      reader |= FeatureFlags.BASE_PATHS;
      writer |= FeatureFlags.BASE_PATHS;
    }
    // Bits we do not set ourselves but which the previous version carried for reasons that still
    // hold (e.g. "no transaction files") are kept for writers.
    writer |= proto.getWriterFeatureFlags() & FeatureFlags.DISABLE_TRANSACTION_FILE;
    return with(proto.toBuilder().setReaderFeatureFlags(reader).setWriterFeatureFlags(writer), schema);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Manifest m && m.proto.equals(proto);
  }

  @Override
  public int hashCode() {
    return proto.hashCode();
  }

  @Override
  public String toString() {
    return "Manifest{version=" + version() + ", fragments=" + fragments.size() + ", rows=" + physicalRows()
        + ", writer=" + writerLibrary() + " " + writerVersion() + "}";
  }
}

package dev.lancelet.table.commit;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.lancelet.format.proto.TableProtos;
import dev.lancelet.format.proto.TransactionProtos;
import dev.lancelet.table.CorruptManifestException;
import dev.lancelet.table.format.DataFile;
import dev.lancelet.table.format.Fragment;
import dev.lancelet.table.format.Manifest;
import dev.lancelet.table.format.TableSchema;
import dev.lancelet.table.format.Transaction;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Lance's {@code Project}: replaces the schema without touching data (drop, rename, nullability,
 * metadata). Data files whose fields are all gone from the new schema leave their fragments (the
 * files stay on disk for older versions); files holding some kept fields keep listing the dropped
 * ids, which readers ignore.
 *
 * Indices over dropped fields leave the index section (their files stay for older versions).
 *
 * <p>Commutes only with fragment reservations and config updates; concurrent data changes may have
 * been written under the old schema.
 */
public final class ProjectOperation implements Operation {
  private final TableSchema schema;

  /** @param schema the new schema; field ids must be a subset of the old ones */
  public ProjectOperation(TableSchema schema) {
    this.schema = Objects.requireNonNull(schema);
  }

  @Override
  public String name() {
    return "Project";
  }

  @Override
  public Applied apply(Manifest base) {
    if (base == null) {
      throw new IllegalStateException("Project needs an existing dataset");
    }
    for (int id : schema.ids()) {
      if (!base.schema().contains(id)) {
        throw new IllegalArgumentException("Field id " + id + " is not in the schema of version " + base.version());
      }
    }
    List<Fragment> fs = new ArrayList<>();
    for (Fragment f : base.fragments()) {
      List<DataFile> keep = new ArrayList<>();
      for (DataFile df : f.files()) {
        boolean any = false;
        for (int id : df.fields()) {
          any |= schema.contains(id);
        }
        if (any) {
          keep.add(df);
        }
      }
      fs.add(keep.size() == f.files().size() ? f : f.withFiles(keep));
    }
    Manifest m = base.withSchema(schema).withFragments(fs);
    TransactionProtos.Transaction.Project.Builder b = TransactionProtos.Transaction.Project.newBuilder()
        .addAllSchema(schema.fields());
    return new Applied(m, TransactionProtos.Transaction.newBuilder().setProject(b));
  }

  /** Indices over a field the new schema lacks are dropped from the index section, as Lance does. */
  @Override
  public ByteString indexSection(ByteString base) throws IOException {
    if (base == null) {
      return null;
    }
    TableProtos.IndexSection section;
    try {
      section = TableProtos.IndexSection.parseFrom(base);
    } catch (InvalidProtocolBufferException e) {
      throw new CorruptManifestException("index section", "not a valid index section: " + e.getMessage(), e);
    }
    TableProtos.IndexSection.Builder kept = TableProtos.IndexSection.newBuilder();
    for (TableProtos.IndexMetadata im : section.getIndicesList()) {
      boolean all = true;
      for (int f : im.getFieldsList()) {
        all &= schema.contains(f);
      }
      if (all) {
        kept.addIndices(im);
      }
    }
    return kept.getIndicesCount() == section.getIndicesCount() ? base : kept.build().toByteString();
  }

  @Override
  public boolean commutesWith(Transaction other) {
    return switch (other.operation()) {
      case RESERVE_FRAGMENTS, UPDATE_CONFIG -> true;
      default -> false;
    };
  }
}

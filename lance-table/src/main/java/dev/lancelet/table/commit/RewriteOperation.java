package dev.lancelet.table.commit;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.lancelet.format.proto.TableProtos;
import dev.lancelet.format.proto.TransactionProtos;
import dev.lancelet.table.CommitConflictException;
import dev.lancelet.table.CorruptManifestException;
import dev.lancelet.table.format.Fragment;
import dev.lancelet.table.format.Manifest;
import dev.lancelet.table.format.Transaction;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.roaringbitmap.RoaringBitmap;

/**
 * Lance's {@code Rewrite} (compaction): groups of fragments replaced by new fragments holding the
 * same live rows. Each group's new fragments take the place of its first old fragment; the other
 * old fragments disappear. The new fragments carry their final ids (reserved beforehand with
 * {@link ReserveFragmentsOperation}).
 *
 * <p>Commutes with appends, fragment reservations, config and index changes, and with deletes and
 * updates that touched none of the rewritten fragments. Applied to a manifest where a rewritten
 * fragment changed (new deletions, gone) it fails with {@link CommitConflictException}: the rows
 * deleted there would come back.
 *
 * <p>Indices: with stable row ids the index entries stay valid (rows keep their ids), so each
 * index's fragment bitmap trades a group's old fragments for its new ones, as Lance does; a group
 * must then be covered by an index entirely or not at all. Without stable row ids the index
 * section is kept as it is: an index's bitmap names the fragments whose row addresses it holds,
 * so Lance's readers treat the rewritten fragments as gone (their entries are masked out) and the
 * new fragments as not indexed (scanned). The {@code Rewrite} transaction lists no rewritten
 * indices.
 */
public final class RewriteOperation implements Operation {
  /** One group: old fragments and their replacement. */
  public record Group(List<Fragment> oldFragments, List<Fragment> newFragments) {
    public Group {
      oldFragments = List.copyOf(oldFragments);
      newFragments = List.copyOf(newFragments);
      if (oldFragments.isEmpty()) {
        throw new IllegalArgumentException("A rewrite group needs old fragments");
      }
    }
  }

  private final List<Group> groups;
  private final Set<Long> oldIds = new HashSet<>();
  /** Whether the manifest last applied to has stable row ids (index bitmaps are then remapped). */
  private boolean stableRowIds;

  /** @param groups the groups; no fragment in two groups */
  public RewriteOperation(List<Group> groups) {
    this.groups = List.copyOf(Objects.requireNonNull(groups));
    for (Group g : groups) {
      for (Fragment f : g.oldFragments()) {
        if (!oldIds.add(f.id())) {
          throw new IllegalArgumentException("Fragment " + f.id() + " is in two rewrite groups");
        }
      }
    }
  }

  @Override
  public String name() {
    return "Rewrite";
  }

  @Override
  public Applied apply(Manifest base) throws CommitConflictException {
    if (base == null) {
      throw new IllegalStateException("Rewrite needs an existing dataset");
    }
    stableRowIds = base.stableRowIds();
    Map<Long, Fragment> current = new HashMap<>();
    for (Fragment f : base.fragments()) {
      current.put(f.id(), f);
    }
    Map<Long, Group> firstOf = new HashMap<>();
    for (Group g : groups) {
      for (Fragment f : g.oldFragments()) {
        Fragment now = current.get(f.id());
        if (now == null || !now.equals(f)) {
          throw new CommitConflictException("Compaction rewrote fragment " + f.id() + " but version " + base.version()
              + (now == null ? " no longer has it" : " changed it (rows deleted or updated concurrently)")
              + "; run the compaction again");
        }
      }
      firstOf.put(g.oldFragments().get(0).id(), g);
    }
    List<Fragment> out = new ArrayList<>();
    for (Fragment f : base.fragments()) {
      Group g = firstOf.get(f.id());
      if (g != null) {
        out.addAll(g.newFragments());
      } else if (!oldIds.contains(f.id())) {
        out.add(f);
      }
    }
    Manifest m = base.withFragments(out).withFeatureFlags(base.stableRowIds());
    TransactionProtos.Transaction.Rewrite.Builder b = TransactionProtos.Transaction.Rewrite.newBuilder();
    for (Group g : groups) {
      TransactionProtos.Transaction.Rewrite.RewriteGroup.Builder gb =
          TransactionProtos.Transaction.Rewrite.RewriteGroup.newBuilder();
      for (Fragment f : g.oldFragments()) {
        gb.addOldFragments(f.toProto());
      }
      for (Fragment f : g.newFragments()) {
        gb.addNewFragments(f.toProto());
      }
      b.addGroups(gb);
    }
    return new Applied(m, TransactionProtos.Transaction.newBuilder().setRewrite(b));
  }

  @Override
  public ByteString indexSection(ByteString base) throws IOException {
    if (base == null || !stableRowIds) {
      return base;
    }
    TableProtos.IndexSection section;
    try {
      section = TableProtos.IndexSection.parseFrom(base);
    } catch (InvalidProtocolBufferException e) {
      throw new CorruptManifestException("index section", "not a valid index section: " + e.getMessage(), e);
    }
    TableProtos.IndexSection.Builder out = TableProtos.IndexSection.newBuilder();
    boolean changed = false;
    for (TableProtos.IndexMetadata im : section.getIndicesList()) {
      if (im.getFragmentBitmap().isEmpty()) {
        out.addIndices(im);
        continue;
      }
      RoaringBitmap bits = new RoaringBitmap();
      try {
        bits.deserialize(im.getFragmentBitmap().asReadOnlyByteBuffer().order(java.nio.ByteOrder.LITTLE_ENDIAN));
      } catch (IOException | RuntimeException e) {
        throw new CorruptManifestException("index section", "index '" + im.getName() + "' has a bad fragment bitmap: "
            + e.getMessage(), e);
      }
      boolean touched = false;
      for (Group g : groups) {
        int covered = 0;
        for (Fragment f : g.oldFragments()) {
          if (bits.contains((int) f.id())) {
            covered++;
          }
        }
        if (covered == 0) {
          continue;
        }
        if (covered != g.oldFragments().size()) {
          throw new CommitConflictException("Index '" + im.getName() + "' covers only some of the fragments "
              + g.oldFragments().stream().map(Fragment::id).toList() + " compacted together (built meanwhile?);"
              + " run the compaction again");
        }
        for (Fragment f : g.oldFragments()) {
          bits.remove((int) f.id());
        }
        for (Fragment f : g.newFragments()) {
          bits.add((int) f.id());
        }
        touched = true;
      }
      if (touched) {
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(bits.serializedSizeInBytes())
            .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        bits.serialize(buf);
        buf.flip();
        out.addIndices(im.toBuilder().setFragmentBitmap(ByteString.copyFrom(buf)));
        changed = true;
      } else {
        out.addIndices(im);
      }
    }
    return changed ? out.build().toByteString() : base;
  }

  @Override
  public boolean commutesWith(Transaction other) {
    TransactionProtos.Transaction t = other.toProto();
    return switch (other.operation()) {
      case APPEND, RESERVE_FRAGMENTS, UPDATE_CONFIG, CREATE_INDEX -> true;
      case DELETE -> untouched(t.getDelete().getUpdatedFragmentsList(), t.getDelete().getDeletedFragmentIdsList());
      case UPDATE -> untouched(t.getUpdate().getUpdatedFragmentsList(), t.getUpdate().getRemovedFragmentIdsList());
      default -> false;
    };
  }

  private boolean untouched(List<TableProtos.DataFragment> updated, List<Long> removed) {
    for (TableProtos.DataFragment f : updated) {
      if (oldIds.contains(f.getId())) {
        return false;
      }
    }
    for (long id : removed) {
      if (oldIds.contains(id)) {
        return false;
      }
    }
    return true;
  }
}

package dev.lancelet.table.commit;

import com.google.protobuf.ByteString;
import dev.lancelet.io.ConditionalPut;
import dev.lancelet.io.ObjectAlreadyExistsException;
import dev.lancelet.io.ObjectStore;
import dev.lancelet.table.CommitConflictException;
import dev.lancelet.table.CommitOutcomeUnknownException;
import dev.lancelet.table.DatasetNotFoundException;
import dev.lancelet.table.format.FeatureFlags;
import dev.lancelet.table.format.Manifest;
import dev.lancelet.table.format.ManifestFile;
import dev.lancelet.table.format.ManifestNaming;
import dev.lancelet.table.format.Transaction;
import dev.lancelet.table.format.VersionHint;
import dev.lancelet.io.ConditionalPutProbe;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Commits operations to a dataset. A commit writes the transaction file, then the next version's
 * manifest with put-if-absent under its final name: exactly one of several racing writers gets a
 * given version. A loser reads the transactions committed since the version it read; if its
 * operation commutes with all of them it is applied again on the newest manifest and retried
 * after a jittered exponential backoff, otherwise the commit fails with {@link
 * CommitConflictException}. A failed commit leaves no manifest, so readers never see it; the data
 * files it wrote stay behind as orphans.
 *
 * <p>Safety: before its first commit through a store instance, the committer checks with {@link
 * ConditionalPutProbe} that the store really enforces put-if-absent (the answer is cached per
 * store instance) and refuses to commit where the precondition is ignored. When the manifest PUT
 * fails with an I/O error whose outcome is unknown (the answer was lost), the committer settles it
 * by reading the manifest back: its own bytes mean the commit happened (it is never committed a
 * second time), other bytes mean a lost race. No object means the PUT has not landed, though it
 * may still be in flight: the same bytes are PUT again under the same version name (a later
 * refusal is again settled by comparing bytes), and when {@link #MANIFEST_PUT_ATTEMPTS} attempts
 * leave it open the commit throws {@link CommitOutcomeUnknownException} (version and transaction
 * uuid, to check later) instead of reporting a failure that could still turn into a commit.
 */
public final class Committer {
  /** Writer library recorded in manifests Lancelet writes. */
  public static final String LIBRARY = "lancelet";
  /** Writer version recorded in manifests Lancelet writes. */
  public static final String LIBRARY_VERSION = "0.1.0";

  /** Store instances already probed and found to enforce put-if-absent (weak, by identity). */
  private static final Map<ObjectStore, Boolean> PROBED = Collections.synchronizedMap(new WeakHashMap<>());

  /**
   * Attempts at one manifest PUT whose answers are lost and whose object is not there on reading
   * back (the same bytes under the same name each time), before the outcome is reported unknown.
   */
  public static final int MANIFEST_PUT_ATTEMPTS = 4;

  private final ObjectStore store;
  private final ManifestStore manifests;
  private final int retries;

  /**
   * @param retries rebase-and-retry rounds after a lost race
   * @throws UnsupportedOperationException if the store cannot put-if-absent
   */
  public Committer(ObjectStore store, int retries) {
    if (!(store instanceof ConditionalPut)) {
      throw new UnsupportedOperationException("Cannot commit to " + store.uri()
          + ": the store has no atomic put-if-absent (ConditionalPut), so concurrent commits could overwrite each other");
    }
    this.store = store;
    this.manifests = new ManifestStore(store);
    this.retries = retries;
  }

  /**
   * Commits {@code op} on top of version {@code readVersion} (0 for a new dataset).
   *
   * @return the committed manifest file
   * @throws CommitConflictException when another writer's change does not commute with {@code
   *     op}, or the retries ran out
   * @throws CommitOutcomeUnknownException when the manifest PUT lost its answers and retrying it
   *     did not settle whether it landed (see the exception for how to check)
   */
  public ManifestFile commit(Operation op, long readVersion) throws IOException {
    requireEnforcedPutIfAbsent(store);
    long base = readVersion;
    for (int attempt = 0; ; attempt++) {
      ManifestFile baseFile = base == 0 ? null : manifests.read(base);
      if (baseFile != null) {
        FeatureFlags.checkWritable(baseFile.manifest().writerFeatureFlags(),
            "Dataset " + store.uri() + " version " + base);
      }
      ManifestNaming naming = base == 0 ? ManifestNaming.V2 : manifests.scheme();
      Operation.Applied applied = op.apply(baseFile == null ? null : baseFile.manifest());
      long version = base + 1;
      Transaction txn = Transaction.fromProto(applied.transaction().setReadVersion(base)
          .setUuid(applied.transaction().getUuid().isEmpty() ? java.util.UUID.randomUUID().toString()
              : applied.transaction().getUuid())
          .build());
      Manifest m = applied.manifest().withVersion(version).withTimestamp(Instant.now())
          .withWriter(LIBRARY, LIBRARY_VERSION).withTransactionFile(txn.fileName());
      String txnPath = "_transactions/" + txn.fileName();
      store.put(txnPath, txn.encode());
      ByteString index = op.indexSection(baseFile == null ? null : baseFile.indexSection());
      ManifestFile.Encoded enc = ManifestFile.encode(m, index, txn);
      try {
        putManifest(naming.path(version), enc.bytes(), version, txn.uuid());
      } catch (ObjectAlreadyExistsException lost) {
        store.delete(txnPath);
        long latest = manifests.latest();
        for (long v = base + 1; v <= latest; v++) {
          Transaction other = transactionOf(manifests.read(v));
          if (other == null || !op.commutesWith(other)) {
            throw new CommitConflictException("Commit of " + op.name() + " on " + store.uri() + " (read version " + base
                + ") conflicts with " + (other == null ? "an unknown operation" : other.operationName())
                + " committed as version " + v);
          }
        }
        if (attempt >= retries) {
          throw new CommitConflictException("Commit of " + op.name() + " on " + store.uri() + " lost " + (attempt + 1)
              + " races in a row; giving up (latest version " + latest + ")");
        }
        backoff(attempt);
        base = latest;
        continue;
      }
      // Best effort: the hint only speeds up other readers; the listing is authoritative (and
      // lance-core is not misled by a stale hint). Do not move it backwards over a newer one.
      try {
        long current = store.exists(VersionHint.PATH) ? VersionHint.decode(store.readAll(VersionHint.PATH)) : -1;
        if (current < version) {
          store.put(VersionHint.PATH, VersionHint.encode(version));
        }
      } catch (IOException e) {
        // ignored on purpose
      }
      return new ManifestFile(enc.manifest(), index, txn);
    }
  }

  /**
   * Checks, once per store instance, that the store enforces put-if-absent; writers call it before
   * writing data files so that an unsafe store fails fast ({@link #commit} checks too).
   *
   * @throws UnsupportedOperationException naming the store, when the precondition is ignored
   */
  public void requireSafeStore() throws IOException {
    requireEnforcedPutIfAbsent(store);
  }

  /**
   * Fails unless {@code store} enforces put-if-absent, probing it once per store instance.
   *
   * @throws UnsupportedOperationException naming the store, when the precondition is ignored
   */
  static void requireEnforcedPutIfAbsent(ObjectStore store) throws IOException {
    if (PROBED.containsKey(store)) {
      return;
    }
    ConditionalPutProbe.requireEnforced(store);
    PROBED.put(store, Boolean.TRUE);
  }

  /**
   * Puts the manifest if absent. An I/O error with an unknown outcome (the answer was lost) is
   * settled by reading the object back: our bytes mean the PUT landed, other bytes a lost race.
   * When nothing is there the request may still be in flight, so the same bytes are PUT again
   * under the same name (idempotent: whichever attempt lands first wins, a later one is refused by
   * the precondition, and a refusal is settled by comparing bytes), at most {@link
   * #MANIFEST_PUT_ATTEMPTS} times in all.
   *
   * @throws ObjectAlreadyExistsException when another writer holds the name
   * @throws CommitOutcomeUnknownException when the attempts ran out without settling it
   */
  private void putManifest(String path, byte[] bytes, long version, String txnUuid) throws IOException {
    IOException unsettled = null;
    for (int attempt = 0; ; attempt++) {
      try {
        ((ConditionalPut) store).putIfAbsent(path, bytes);
        return;
      } catch (ObjectAlreadyExistsException taken) {
        if (unsettled == null) {
          throw taken; // a first attempt refused: a lost race (the store settles its own retries)
        }
        // A retry refused: the name may hold our own earlier attempt, which landed late.
        unsettled.addSuppressed(taken);
      } catch (InterruptedIOException interrupted) {
        if (unsettled == null) {
          throw interrupted;
        }
        unsettled.addSuppressed(interrupted);
        throw new CommitOutcomeUnknownException(store.uri(), version, txnUuid, unsettled);
      } catch (IOException ambiguous) {
        if (unsettled == null) {
          unsettled = ambiguous;
        } else {
          unsettled.addSuppressed(ambiguous);
        }
      }
      byte[] there;
      try {
        there = store.readAll(path);
      } catch (FileNotFoundException | NoSuchFileException absent) {
        there = null; // not landed (yet): a request may still be in flight
      } catch (InterruptedIOException interrupted) {
        unsettled.addSuppressed(interrupted);
        throw new CommitOutcomeUnknownException(store.uri(), version, txnUuid, unsettled);
      } catch (IOException unreadable) {
        unsettled.addSuppressed(unreadable);
        there = null;
      }
      if (there != null) {
        if (Arrays.equals(there, bytes)) {
          return; // ours: an attempt was applied and only its answer was lost
        }
        ObjectAlreadyExistsException lost = new ObjectAlreadyExistsException(store.uri() + "/" + path);
        lost.addSuppressed(unsettled);
        throw lost;
      }
      if (attempt + 1 >= MANIFEST_PUT_ATTEMPTS) {
        throw new CommitOutcomeUnknownException(store.uri(), version, txnUuid, unsettled);
      }
      backoff(attempt + 3);
    }
  }

  /** The newest version, or 0 when the dataset does not exist. */
  public long latestOrZero() throws IOException {
    try {
      return manifests.latest();
    } catch (DatasetNotFoundException e) {
      return 0;
    }
  }

  private Transaction transactionOf(ManifestFile mf) throws IOException {
    if (mf.transaction() != null) {
      return mf.transaction();
    }
    String name = mf.manifest().transactionFile();
    if (name.isEmpty()) {
      return null;
    }
    return Transaction.decode(store.readAll("_transactions/" + name), store.uri() + "/_transactions/" + name);
  }

  private static void backoff(int attempt) throws InterruptedIOException {
    long cap = Math.min(1000, 10L << Math.min(attempt, 10));
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(1, cap + 1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("Interrupted while retrying a commit");
    }
  }
}

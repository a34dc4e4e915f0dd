package dev.lancelet.io;

import java.io.IOException;
import java.util.Arrays;
import java.util.UUID;

/**
 * Checks that a store really enforces put-if-absent. Some endpoints (emulators, proxies, buckets
 * behind gateways) accept the precondition and ignore it; committing there would let two writers
 * both "win" the same version. The probe writes a scratch object under {@code _lancelet_probe/},
 * tries to write it again with other bytes, checks that the second write was refused and that the
 * first bytes are still there, and deletes it.
 */
public final class ConditionalPutProbe {
  /** Folder of the scratch objects, relative to the store root. */
  public static final String PROBE_FOLDER = "_lancelet_probe/";

  private ConditionalPutProbe() {}

  /**
   * The outcome of a probe.
   *
   * @param store the store's URI
   * @param enforced true when the second conditional write was refused and changed nothing
   * @param detail what was observed, for messages
   */
  public record Result(String store, boolean enforced, String detail) {}

  /** Probes {@code store}; I/O failures propagate (they say nothing about enforcement). */
  public static Result probe(ObjectStore store) throws IOException {
    if (!(store instanceof ConditionalPut cp)) {
      return new Result(store.uri(), false, "the store has no put-if-absent (" + store.getClass().getSimpleName() + ")");
    }
    String path = PROBE_FOLDER + UUID.randomUUID();
    byte[] first = ("lancelet put-if-absent probe, first write " + path).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] second = ("lancelet put-if-absent probe, second write " + path).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    try {
      cp.putIfAbsent(path, first);
      try {
        cp.putIfAbsent(path, second);
        return new Result(store.uri(), false, "a second put-if-absent of " + path + " succeeded: the precondition is ignored");
      } catch (ObjectAlreadyExistsException expected) {
        // refused, as it must be
      }
      byte[] now = store.readAll(path);
      if (!Arrays.equals(now, first)) {
        return new Result(
            store.uri(), false, "a refused put-if-absent of " + path + " still replaced the object: the precondition is ignored");
      }
      return new Result(store.uri(), true, "put-if-absent enforced");
    } finally {
      store.delete(path);
    }
  }

  /**
   * Probes {@code store} and fails unless put-if-absent is enforced.
   *
   * @throws UnsupportedOperationException naming the store, when it is not enforced
   */
  public static void requireEnforced(ObjectStore store) throws IOException {
    Result r = probe(store);
    if (!r.enforced()) {
      throw new UnsupportedOperationException(
          "Store " + r.store() + " does not enforce put-if-absent (" + r.detail() + "); refusing to commit there");
    }
  }
}

package dev.lancelet.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;

/**
 * Checks that a store really enforces put-if-absent before anything relies on it for commits.
 * Some S3-compatible servers accept {@code If-None-Match: *} and ignore it; a table committed on
 * such a store can silently lose commits. The probe writes an object under a fresh name, writes it
 * again with different bytes, expects the second write to be refused and the first bytes to
 * survive, and deletes the object.
 */
public final class ConditionalPutProbe {
  /** Name prefix of probe objects (each gets a random suffix). */
  public static final String PROBE_PREFIX = "_lancelet_put_if_absent_probe_";

  private ConditionalPutProbe() {}

  /**
   * Runs the probe in {@code store} (at its root, e.g. a dataset root).
   *
   * @throws ConditionalPutNotEnforcedException naming the store if it lacks {@link ConditionalPut}
   *     or let the second write through
   * @throws IOException if the store could not be reached
   */
  public static void verify(ObjectStore store) throws IOException {
    if (!(store instanceof ConditionalPut cp)) {
      throw new ConditionalPutNotEnforcedException(
          "Store " + store.uri() + " has no atomic put-if-absent; commits on it are not safe");
    }
    String name = PROBE_PREFIX + UUID.randomUUID();
    byte[] first = ("first " + name).getBytes(StandardCharsets.UTF_8);
    byte[] second = ("second " + name).getBytes(StandardCharsets.UTF_8);
    try {
      cp.putIfAbsent(name, first);
      boolean refused;
      try {
        cp.putIfAbsent(name, second);
        refused = false;
      } catch (ObjectAlreadyExistsException expected) {
        refused = true;
      }
      byte[] stored = store.readAll(name);
      if (!refused || !Arrays.equals(stored, first)) {
        throw new ConditionalPutNotEnforcedException(
            "Store " + store.uri() + " does not enforce put-if-absent: a second conditional write of " + name
                + (refused ? " was refused but replaced the object" : " succeeded")
                + "; concurrent commits on it could overwrite each other (for S3-compatible servers: check that"
                + " the server supports If-None-Match on PUT)");
      }
    } finally {
      try {
        store.delete(name);
      } catch (IOException cleanup) {
        // best effort: a leftover probe object is harmless
      }
    }
  }
}

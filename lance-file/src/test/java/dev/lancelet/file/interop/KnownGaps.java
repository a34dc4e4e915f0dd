package dev.lancelet.file.interop;

import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Features Lancelet does not implement yet, as seen by the interop matrix. A case an entry
 * applies to must still fail, in the listed phase, with the listed exception and message: the
 * test asserts that, so the gap stays visible and the test fails (asking for the entry to be
 * removed) as soon as the feature lands. Never add an entry for wrong data; only for a clear,
 * documented refusal.
 */
final class KnownGaps {

  /** Where the gap shows. */
  enum Phase {
    /** Creating the Lancelet writer, writing a batch, or closing it. */
    LANCELET_WRITE,
    /** Opening or reading a file with Lancelet's reader. */
    LANCELET_READ
  }

  /**
   * One gap.
   *
   * @param id short stable name, used in messages and docs/interop.md
   * @param phase where the exception is thrown
   * @param exception the exception type thrown
   * @param message a fragment of its message
   * @param reason why, in a sentence
   * @param applies which cases it covers
   */
  record Gap(String id, Phase phase, Class<? extends Throwable> exception, String message, String reason,
      Predicate<InteropCase> applies) {
    @Override
    public String toString() {
      return id + " (" + phase + ": " + exception.getSimpleName() + " \"" + message + "\"): " + reason;
    }
  }

  static final List<Gap> ALL = List.of();

  private KnownGaps() {}

  /** The first gap covering {@code c} in {@code phase}, if any. */
  static Optional<Gap> find(InteropCase c, Phase phase) {
    return ALL.stream().filter(g -> g.phase() == phase && g.applies().test(c)).findFirst();
  }
}

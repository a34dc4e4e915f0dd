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

  static final List<Gap> ALL = List.of(
      new Gap("writer-dictionary-input-2.0",
          Phase.LANCELET_WRITE, UnsupportedOperationException.class, "dictionary",
          "Dictionary-encoded Arrow input (dict<int32, utf8>) is refused by the 2.0 writer; it could store"
              + " it as a Dictionary encoding. The 2.1/2.2 writer stores it as a mini-block layout dictionary.",
          c -> c.direction() == InteropCase.Direction.B && c.version().equals("2.0")
              && c.types().contains("dict_int32_utf8")),
      new Gap("v20-take-unsorted-list-fsl",
          Phase.LANCELET_READ, UnsupportedOperationException.class, "FieldWriter not implemented for FixedSizeList",
          "2.0 take of unsorted or duplicate rows reads the sorted rows, then reorders them with Arrow's"
              + " copyFromSafe, which cannot copy a list<fixed_size_list> (Arrow Java ComplexCopier).",
          c -> c.version().equals("2.0") && c.types().contains("list_fsl_f32x4") && c.totalRows() > 0));

  private KnownGaps() {}

  /** The first gap covering {@code c} in {@code phase}, if any. */
  static Optional<Gap> find(InteropCase c, Phase phase) {
    return ALL.stream().filter(g -> g.phase() == phase && g.applies().test(c)).findFirst();
  }
}

package dev.lancelet.cli;

import dev.lancelet.cli.progress.Progress;
import picocli.CommandLine.Option;

/** {@code -q/--quiet} and {@code --progress} of the commands that draw a progress line and a summary (a picocli mixin). */
final class ProgressOptions {
  @Option(names = {"-q", "--quiet"}, description = "No progress or summary on stderr.")
  boolean quiet;

  @Option(names = "--progress", description = "Draw the progress line even if stderr is not a terminal.")
  boolean forceProgress;

  /** The progress mode these options ask for. */
  Progress.Mode mode() {
    return quiet ? Progress.Mode.NEVER : forceProgress ? Progress.Mode.ALWAYS : Progress.Mode.AUTO;
  }
}

/** Progress reporting for long command-line operations. See {@link dev.lancelet.cli.progress.Progress}. */
package dev.lancelet.cli.progress;

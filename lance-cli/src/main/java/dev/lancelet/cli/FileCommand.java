package dev.lancelet.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code lance file ...}: commands on single Lance files. */
@Command(
    name = "file",
    mixinStandardHelpOptions = true,
    versionProvider = VersionInfo.class,
    description = "Commands on single Lance files.",
    subcommands = {InspectCommand.class, ExportCommand.class, ImportCommand.class})
final class FileCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing command: choose one of inspect, export, import");
  }
}

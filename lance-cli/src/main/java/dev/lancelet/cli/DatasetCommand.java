package dev.lancelet.cli;

import dev.lancelet.io.ObjectStore;
import dev.lancelet.io.ObjectStores;
import dev.lancelet.table.Dataset;
import dev.lancelet.table.OpenOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Base of the dataset commands ({@code lance import}, {@code show}, {@code delete}, ...): resolves
 * the dataset's store with the {@code --storage-option}s, opens versions, and closes everything it
 * opened when the command ends. Subclasses implement {@link #execute()}.
 *
 * <p>Dataset commands do not take {@code -V/--version} for the program version, since {@code
 * --version N} selects a dataset version; {@code lance --version} prints the program's.
 */
abstract class DatasetCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
  boolean help;

  @Option(names = "--storage-option", paramLabel = "KEY=VALUE",
      description = "Object store option (repeatable), as Lance's storage options, e.g."
          + " google_service_account=/secrets/sa.json for gs:// datasets.")
  Map<String, String> storageOptions = new LinkedHashMap<>();

  private final Deque<AutoCloseable> resources = new ArrayDeque<>();
  private BufferAllocator allocator;

  @Override
  public final Integer call() throws Exception {
    int result;
    try {
      result = execute();
    } catch (Exception e) {
      closeAll(e);
      throw e;
    }
    closeAll(null);
    return result;
  }

  private void closeAll(Exception failure) throws Exception {
    Exception first = null;
    while (!resources.isEmpty()) {
      try {
        resources.pop().close();
      } catch (Exception e) {
        if (failure != null) {
          failure.addSuppressed(e);
        } else if (first == null) {
          first = e;
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /** Runs the command; exceptions become one-line errors (exit 1), {@link ParameterException}s usage errors (exit 2). */
  abstract int execute() throws Exception;

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  /** Registers something to close when the command ends (closed last-registered first). */
  <T extends AutoCloseable> T closeLater(T resource) {
    resources.push(resource);
    return resource;
  }

  /** The command's allocator, closed after everything else it opened. */
  BufferAllocator allocator() {
    if (allocator == null) {
      allocator = new RootAllocator();
      resources.addLast(allocator);
    }
    return allocator;
  }

  /**
   * The store of the dataset at {@code uri}, with the storage options. Closed when the command
   * ends.
   */
  ObjectStore store(String uri) {
    return closeLater(resolveStore(uri, allStorageOptions()));
  }

  /** The storage options given before and after the command name. */
  private Map<String, String> allStorageOptions() {
    Map<String, String> options = new LinkedHashMap<>();
    if (spec.root().userObject() instanceof LanceCli root) {
      options.putAll(root.storageOptions); // given before the command name
    }
    options.putAll(storageOptions);
    return options;
  }

  /**
   * Resolves a dataset folder through {@link ObjectStores#forFolder(String, Map)}: S3 and GCS take
   * their storage options there; options given for a local or memory location, or unknown keys, are
   * refused (by ObjectStores) rather than dropped.
   */
  static ObjectStore resolveStore(String uri, Map<String, String> options) {
    if (options == null || options.isEmpty()) {
      return ObjectStores.forFolder(uri);
    }
    try {
      return ObjectStores.forFolder(uri, Map.copyOf(options));
    } catch (IllegalArgumentException e) {
      // ObjectStores knows which schemes take which options: an unknown key, or options for a
      // local or memory location, come back as IllegalArgumentException naming the problem.
      throw new CliException(uri + ": --storage-option: " + e.getMessage(), e);
    }
  }

  /** Opens the latest version, or {@code version} / {@code tag} when given. Closed when the command ends. */
  Dataset open(String uri, Long version, String tag) throws IOException {
    if (version != null && tag != null) {
      throw usage("Give --version or --tag, not both");
    }
    OpenOptions.Builder options = OpenOptions.builder().allocator(allocator());
    if (version != null) {
      if (version < 1) {
        throw usage("--version: versions start at 1, got " + version);
      }
      options.version(version);
    }
    if (tag != null) {
      options.tag(tag);
    }
    ObjectStore store = store(uri);
    options.storageOptions(allStorageOptions()); // also for external base paths of the same scheme
    return closeLater(Dataset.open(store, options.build()));
  }

  /** The latest version. */
  Dataset open(String uri) throws IOException {
    return open(uri, null, null);
  }

  /** Fails with "not available yet" for an operation the table library of this build lacks. */
  static UnsupportedOperationException notAvailable(String command, String operation) {
    return new UnsupportedOperationException("'lance " + command + "' is not available yet: this build's lance-table has no "
        + operation);
  }
}

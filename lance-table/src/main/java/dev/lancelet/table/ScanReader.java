package dev.lancelet.table;

import dev.lancelet.file.schema.LanceField;
import dev.lancelet.table.format.Fragment;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The reader behind {@link ScanBuilder#open()}: fragments are read by background tasks, each
 * handing finished batches through a small bounded queue, and consumed in dataset order. A task
 * blocks when its queue is full, so at most {@code readahead + 1} fragments are open and each holds
 * at most {@value #QUEUE} finished batches.
 */
final class ScanReader extends ArrowReader {
  private static final int QUEUE = 2;
  /** Share of matching rows from which a filtered batch's other columns are read as a range, not taken. */
  private static final double DENSE = 0.05;

  /** Background threads for fragment reads, shared by all scans; daemon, so they never pin the JVM. */
  private static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "lancelet-scan");
    t.setDaemon(true);
    return t;
  });

  private final Dataset dataset;
  private final BufferAllocator allocator;
  private final List<LanceField> readFields;
  /** With a filter: the fields it reads. */
  private final List<LanceField> filterFields = new ArrayList<>();
  /** With a filter: whether other columns (or row ids) must be taken for matching rows. */
  private final boolean needTake;
  private final Schema outSchema;
  private final int batchSize;
  private final boolean rowId;
  private final boolean rowAddr;
  private final BatchFilter filter;
  private final int readahead;
  private final ArrayDeque<Fragment> pending = new ArrayDeque<>();
  private final ArrayDeque<Task> running = new ArrayDeque<>();
  private final AtomicBoolean cancelled = new AtomicBoolean();
  private long toSkip;
  private long remaining;

  ScanReader(Dataset dataset, List<String> columns, long limit, long offset, int batchSize, boolean rowId,
      boolean rowAddr, BatchFilter filter, int readahead) {
    super(dataset.allocator());
    this.dataset = dataset;
    this.allocator = dataset.allocator();
    this.batchSize = batchSize;
    this.rowId = rowId;
    this.rowAddr = rowAddr;
    this.filter = filter;
    this.readahead = readahead;
    this.toSkip = offset;
    this.remaining = limit < 0 ? Long.MAX_VALUE : limit;
    var schema = dataset.manifest().schema();
    List<String> names = columns == null ? schema.names() : columns;
    List<Field> out = new ArrayList<>();
    for (String n : names) {
      Field f = FragmentReader.readField(schema.arrowField(n));
      if (f == null) {
        throw new IllegalArgumentException("No column '" + n + "' in " + dataset.uri() + "; columns are " + schema.names());
      }
      out.add(f);
    }
    Set<String> read = new LinkedHashSet<>(names);
    if (filter != null) {
      for (String c : filter.columns()) {
        if (schema.topLevel(c) == null) {
          throw new IllegalArgumentException("Filter column '" + c + "' is not in the dataset");
        }
        read.add(c);
      }
    }
    this.readFields = new ArrayList<>();
    boolean take = rowId;
    for (LanceField f : schema.topLevel()) {
      if (read.contains(f.name())) {
        readFields.add(f);
        if (filter != null && filter.columns().contains(f.name())) {
          filterFields.add(f);
        } else {
          take = true;
        }
      }
    }
    this.needTake = filter != null && take;
    if (rowId) {
      out.add(FragmentReader.ROW_ID_FIELD);
    }
    if (rowAddr) {
      out.add(FragmentReader.ROW_ADDR_FIELD);
    }
    this.outSchema = new Schema(out);
    for (Fragment f : dataset.manifest().fragments()) {
      pending.add(f);
    }
  }

  @Override
  protected Schema readSchema() {
    return outSchema;
  }

  @Override
  public long bytesRead() {
    return 0;
  }

  /** One fragment being read in the background. */
  private final class Task implements Runnable {
    final Fragment fragment;
    final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUE + 1);
    volatile Future<?> future;
    static final Object END = new Object();

    Task(Fragment fragment) {
      this.fragment = fragment;
    }

    @Override
    public void run() {
      try {
        if (filter == null) {
          readAll();
        } else {
          readFiltered();
        }
        offer(END);
      } catch (Throwable t) {
        offer(t);
      }
    }

    private void readAll() throws IOException {
      try (FragmentReader r = new FragmentReader(dataset.store(), allocator, dataset.manifest(), fragment,
          readFields, rowId, rowAddr, dataset.files());
          FragmentReader.Pass pass = r.pass(0, fragment.physicalRows(), batchSize)) {
        while (!cancelled.get()) {
          VectorSchemaRoot b = pass.next();
          if (b == null) {
            break;
          }
          if (!offer(b)) {
            b.close();
            return;
          }
        }
      }
    }

    /**
     * Late materialization: reads only the filter's columns (with row addresses), evaluates the
     * filter, then takes the other columns for the matching rows alone.
     */
    private void readFiltered() throws IOException {
      try (FragmentReader fr = new FragmentReader(dataset.store(), allocator, dataset.manifest(), fragment,
          filterFields, false, true, dataset.files());
          FragmentReader rest = needTake ? new FragmentReader(dataset.store(), allocator, dataset.manifest(), fragment,
              readFields, rowId, rowAddr, dataset.files()) : null) {
        if (fr.allMissing() && !constantMatch(fr)) {
          return; // every filter column is null throughout the fragment and the filter rejects nulls
        }
        long end = fragment.physicalRows();
        try (FragmentReader.Pass pass = fr.pass(0, end, batchSize)) {
          for (long pos = 0; !cancelled.get(); pos += batchSize) {
            VectorSchemaRoot b = pass.next();
            if (b == null) {
              break;
            }
            VectorSchemaRoot out;
            try {
              BitSet keep = b.getRowCount() == 0 ? new BitSet() : filter.evaluate(b);
              keep.clear(b.getRowCount(), Math.max(b.getRowCount(), keep.length()));
              if (keep.isEmpty()) {
                continue;
              }
              if (rest == null) {
                out = Selection.select(b, keep, allocator);
                b = null;
              } else if (keep.cardinality() >= DENSE * b.getRowCount()) {
                // Many matches: reading the batch's row range is cheaper than taking row by row.
                long len = Math.min(batchSize, end - pos);
                try (FragmentReader.Pass range = rest.pass(pos, pos + len, (int) len)) {
                  out = Selection.select(range.next(), keep, allocator);
                }
              } else {
                org.apache.arrow.vector.UInt8Vector addr =
                    (org.apache.arrow.vector.UInt8Vector) b.getVector(FragmentReader.ROW_ADDR);
                long[] offsets = new long[keep.cardinality()];
                int k = 0;
                for (int i = keep.nextSetBit(0); i >= 0; i = keep.nextSetBit(i + 1)) {
                  offsets[k++] = addr.get(i) & 0xFFFF_FFFFL;
                }
                out = rest.take(offsets, dev.lancelet.io.IoPriority.BULK);
              }
            } finally {
              if (b != null) {
                b.close();
              }
            }
            if (!offer(out)) {
              out.close();
              return;
            }
          }
        }
      }
    }

    /** Whether the filter holds for a row whose filter columns are all null. */
    private boolean constantMatch(FragmentReader fr) {
      List<FieldVector> vs = new ArrayList<>();
      for (Field f : fr.schema().getFields()) {
        vs.add(Batches.nulls(f, 1, allocator));
      }
      try (VectorSchemaRoot one = new VectorSchemaRoot(fr.schema().getFields(), vs, 1)) {
        return filter.evaluate(one).get(0);
      }
    }

    private boolean offer(Object o) {
      try {
        while (!cancelled.get()) {
          if (queue.offer(o, 50, TimeUnit.MILLISECONDS)) {
            return true;
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return false;
    }
  }

  private void startTasks() {
    while (running.size() < readahead + 1 && !pending.isEmpty()) {
      Fragment f = pending.poll();
      // Without a filter, whole fragments inside the offset are skipped unread when their live
      // row count is known from the manifest.
      if (filter == null && toSkip > 0) {
        long live = f.liveRowsIfKnown();
        if (live >= 0 && live <= toSkip && running.isEmpty()) {
          toSkip -= live;
          continue;
        }
      }
      Task t = new Task(f);
      running.add(t);
      t.future = POOL.submit(t);
    }
  }

  @Override
  public boolean loadNextBatch() throws IOException {
    while (remaining > 0) {
      startTasks();
      Task t = running.peek();
      if (t == null) {
        return false;
      }
      Object item;
      try {
        item = t.queue.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("Scan of " + dataset.uri() + " interrupted");
      }
      if (item == Task.END) {
        running.poll();
        continue;
      }
      if (item instanceof Throwable e) {
        running.poll();
        if (e instanceof IOException io) {
          throw io;
        }
        if (e instanceof RuntimeException re) {
          throw re;
        }
        throw new IOException("Scan of " + dataset.uri() + " failed in fragment " + t.fragment.id(), e);
      }
      VectorSchemaRoot b = (VectorSchemaRoot) item; // already filtered by the task
      int n = b.getRowCount();
      if (toSkip >= n) {
        toSkip -= n;
        b.close();
        continue;
      }
      int from = (int) toSkip;
      toSkip = 0;
      int take = (int) Math.min(n - from, remaining);
      b = Batches.slice(b, from, take, allocator);
      if (take == 0) {
        b.close();
        continue;
      }
      remaining -= take;
      publish(b);
      return true;
    }
    return false;
  }

  /** Moves the wanted columns of {@code b} into this reader's root; closes {@code b}. */
  private void publish(VectorSchemaRoot b) throws IOException {
    try {
      VectorSchemaRoot root = getVectorSchemaRoot();
      for (int i = 0; i < outSchema.getFields().size(); i++) {
        FieldVector target = root.getVector(i);
        target.clear();
        b.getVector(outSchema.getFields().get(i).getName()).makeTransferPair(target).transfer();
      }
      root.setRowCount(b.getRowCount());
    } finally {
      b.close();
    }
  }

  @Override
  protected void closeReadSource() {
    cancelled.set(true);
    for (Task t : running) {
      Future<?> f = t.future;
      try {
        if (f != null) {
          f.get(30, TimeUnit.SECONDS);
        }
      } catch (Exception e) {
        // the task ended with an error or timed out; its items are drained below
      }
      Object o;
      while ((o = t.queue.poll()) != null) {
        if (o instanceof VectorSchemaRoot r) {
          r.close();
        }
      }
    }
    running.clear();
  }
}

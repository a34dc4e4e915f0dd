package dev.lancelet.io;

/**
 * How urgent a read is, for stores that schedule their requests ({@link IoScheduler}). A queued
 * {@link #INTERACTIVE} request is always started before a queued {@link #BULK} one, and bulk
 * requests may never occupy the share of the limits reserved for interactive ones, so a point
 * lookup issued while a large scan saturates the store is not stuck behind the scan.
 *
 * <p>Stores that do not schedule (local files, memory) ignore the priority.
 */
public enum IoPriority {
  /** Latency-sensitive reads: takes, random access, metadata, footers. The default. */
  INTERACTIVE,
  /** Throughput reads that may wait: scans and their read-ahead. */
  BULK
}

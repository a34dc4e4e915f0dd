package dev.lancelet.table;

import java.time.Instant;

/**
 * One version of a dataset.
 *
 * @param version the version number, from 1
 * @param timestamp commit time, or null if not recorded
 * @param operation name of the operation that made it ({@code Overwrite}, {@code Append},
 *     {@code Delete}, ...), {@code Unknown} when the manifest carries no transaction
 */
public record VersionInfo(long version, Instant timestamp, String operation) {}

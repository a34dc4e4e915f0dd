package dev.lancelet.table;

/**
 * What {@link Dataset#compact(CompactionOptions)} did.
 *
 * @param fragmentsRemoved fragments rewritten
 * @param fragmentsAdded fragments written
 * @param filesRemoved data files no longer used by the new version
 * @param filesAdded data files written
 * @param rowsRewritten live rows copied
 * @param deletedRowsMaterialized deleted rows dropped for good
 * @param version the version committed, or the version compacted when there was nothing to do
 */
public record CompactionReport(int fragmentsRemoved, int fragmentsAdded, int filesRemoved, int filesAdded,
    long rowsRewritten, long deletedRowsMaterialized, long version) {}

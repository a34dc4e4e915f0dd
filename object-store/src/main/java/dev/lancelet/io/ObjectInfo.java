package dev.lancelet.io;

/**
 * One entry of a listing.
 *
 * @param path path relative to the store root, '/'-separated
 * @param size size in bytes
 * @param lastModifiedMillis modification time, epoch milliseconds (0 where the store has none)
 */
public record ObjectInfo(String path, long size, long lastModifiedMillis) {}

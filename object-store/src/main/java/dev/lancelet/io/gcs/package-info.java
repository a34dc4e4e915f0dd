/**
 * Google Cloud Storage: {@link dev.lancelet.io.gcs.GcsObjectStore}, an {@link
 * dev.lancelet.io.ObjectStore} with put-if-absent on {@code gs://bucket/prefix}, configured by
 * {@link dev.lancelet.io.gcs.GcsOptions} (Lance-style storage options).
 */
package dev.lancelet.io.gcs;

/**
 * Object-store benchmarks: a random take of 100 rows and a full scan of a 100-fragment dataset on
 * local disk and on S3 (S3Proxy on loopback), Lancelet against lance-core in the same JMH run, with
 * per-operation request and byte counts for Lancelet. See docs/benchmarks.md, "Object stores".
 */
package dev.lancelet.bench.store;

/**
 * The commit protocol: finding versions in a dataset's store, and turning an operation (a function
 * from the manifest it read to a new manifest plus its transaction) into a new version with a
 * put-if-absent of the next manifest name, rebasing and retrying when another writer won the race
 * and the two operations commute.
 */
package dev.lancelet.table.commit;

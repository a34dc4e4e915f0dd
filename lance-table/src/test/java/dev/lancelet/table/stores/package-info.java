/** The table layer on every object store: the shared dataset suite, commit safety and fault tests. */
package dev.lancelet.table.stores;

package dev.lancelet.bench.table;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Runs every dataset benchmark method on a 2,000-row, 100-fragment dataset, setup self-checks
 * included (both engines must agree there), so a broken benchmark fails here and not only under
 * JMH.
 */
class TableBenchmarkSmokeTest {
  private static final long ROWS = 2_000;

  @Test
  void take() throws Exception {
    for (int n : new int[] {100, 1_000}) {
      TableTakeBenchmark b = new TableTakeBenchmark();
      b.rows = ROWS;
      b.n = n;
      b.setUp();
      try {
        assertThat(b.lancelet()).isEqualTo(n);
        assertThat(b.lanceCore()).isEqualTo(n);
        assertThat(b.lancelet()).isEqualTo(n);
      } finally {
        b.tearDown();
      }
    }
  }

  @Test
  void filteredScan() throws Exception {
    for (double selectivity : new double[] {0.01, 0.5}) {
      TableScanBenchmark b = new TableScanBenchmark();
      b.rows = ROWS;
      b.selectivity = selectivity;
      b.setUp();
      try {
        assertThat(b.expectedRows).isBetween(1L, ROWS - 1);
        assertThat(b.lancelet()).isEqualTo(b.expectedRows);
        assertThat(b.lanceCore()).isEqualTo(b.expectedRows);
      } finally {
        b.tearDown();
      }
    }
  }

  @Test
  void append() throws Exception {
    TableAppendBenchmark b = new TableAppendBenchmark();
    b.rows = ROWS;
    b.appendRows = 500;
    b.setUp();
    try {
      for (int i = 0; i < 2; i++) {
        b.newCopy();
        try {
          long rows = switch (i) {
            case 0 -> b.lancelet() + b.lanceletNoFsync();
            default -> 2 * b.lanceCore();
          };
          assertThat(rows).isEqualTo(1_000);
        } finally {
          b.deleteCopy();
        }
      }
    } finally {
      b.tearDown();
    }
  }

  @Test
  void addColumn() throws Exception {
    TableAddColumnBenchmark b = new TableAddColumnBenchmark();
    b.rows = ROWS;
    b.setUp(); // adds v once with each engine and cross-checks
    try {
      for (String method : new String[] {"lancelet", "lanceletNoFsync", "lanceCore"}) {
        b.open(method);
        try {
          long rows = switch (method) {
            case "lancelet" -> b.lancelet();
            case "lanceletNoFsync" -> b.lanceletNoFsync();
            default -> b.lanceCore();
          };
          assertThat(rows).isEqualTo(ROWS);
        } finally {
          b.deleteCopy();
        }
      }
    } finally {
      b.tearDown();
    }
  }
}

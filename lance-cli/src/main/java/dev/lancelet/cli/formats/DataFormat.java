package dev.lancelet.cli.formats;

import java.util.List;

/** The data formats of {@code lance import} and {@code lance export}, with their file extensions. */
public enum DataFormat {
  /** Arrow IPC file format (random access; the "Feather v2" format). */
  ARROW_FILE("arrow", "Arrow IPC file", List.of(".arrow", ".feather", ".ipc")),
  /** Arrow IPC stream format. */
  ARROW_STREAM("arrows", "Arrow IPC stream", List.of(".arrows", ".stream")),
  /** Comma-separated values with a header row. */
  CSV("csv", "CSV", List.of(".csv")),
  /** Tab-separated values: CSV with a tab as delimiter. */
  TSV("tsv", "TSV", List.of(".tsv", ".tab")),
  /** JSON lines: one JSON object per line. */
  JSONL("jsonl", "JSON lines", List.of(".jsonl", ".ndjson")),
  /** Apache Parquet. */
  PARQUET("parquet", "Parquet", List.of(".parquet", ".pq"));

  private final String id;
  private final String title;
  private final List<String> extensions;

  DataFormat(String id, String title, List<String> extensions) {
    this.id = id;
    this.title = title;
    this.extensions = extensions;
  }

  /** The name {@code --format} takes, e.g. {@code jsonl}. */
  public String id() {
    return id;
  }

  /** A human name, e.g. {@code JSON lines}. */
  public String title() {
    return title;
  }

  /** File name extensions, lower case with the dot, the preferred one first. */
  public List<String> extensions() {
    return extensions;
  }

  /** Whether the format is text (CSV, TSV, JSON lines), whose errors carry line numbers. */
  public boolean isText() {
    return this == CSV || this == TSV || this == JSONL;
  }
}

package dev.lancelet.file.schema;

import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * One node of a file's field tree, as the Lance schema describes it (flat list of fields linked by
 * {@code parent_id}) joined with its Arrow form.
 *
 * @param id the Lance field id
 * @param parentId the parent's id, -1 at the top level
 * @param name field name
 * @param logicalType Lance logical type string (e.g. {@code int64}, {@code list.struct})
 * @param nullable whether nulls are allowed
 * @param metadata field metadata (UTF-8 decoded)
 * @param children child fields (struct members, or the single list item)
 * @param arrow the Arrow field for this node (with children)
 */
public record LanceField(
    int id,
    int parentId,
    String name,
    String logicalType,
    boolean nullable,
    Map<String, String> metadata,
    List<LanceField> children,
    Field arrow) {

  /** True for a field with its own physical column in 2.1+ files (anything but struct and list). */
  public boolean isLeaf() {
    return !isStruct() && !isList();
  }

  public boolean isStruct() {
    return logicalType.equals("struct");
  }

  /** list or large_list (including the {@code .struct} spellings). */
  public boolean isList() {
    return logicalType.equals("list")
        || logicalType.equals("large_list")
        || logicalType.equals("list.struct")
        || logicalType.equals("large_list.struct");
  }

  public boolean isLargeList() {
    return logicalType.startsWith("large_list");
  }

  /** Number of 2.1+ physical columns (leaves) under this field. */
  public int leafCount() {
    if (isLeaf()) {
      return 1;
    }
    int n = 0;
    for (LanceField c : children) {
      n += c.leafCount();
    }
    return n;
  }
}

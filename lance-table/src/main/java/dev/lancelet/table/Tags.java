package dev.lancelet.table;

import dev.lancelet.io.ObjectInfo;
import dev.lancelet.io.ObjectNotFoundException;
import dev.lancelet.io.ObjectStore;
import dev.lancelet.table.commit.ManifestStore;
import dev.lancelet.table.format.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The tags of a dataset: names for versions, one JSON file each under {@code _refs/tags/}, in the
 * form Lance writes ({@code branch}, {@code version}, {@code createdAt}, {@code updatedAt}, {@code
 * manifestSize}, {@code metadata}). Tags do not create versions; a tagged version survives {@link
 * Dataset#cleanupOldVersions}. Obtained from {@link Dataset#tags()}.
 */
public final class Tags {
  static final String DIR = "_refs/tags/";

  /**
   * One tag.
   *
   * @param name the tag's name
   * @param version the version it names
   * @param manifestSize size in bytes of that version's manifest file
   * @param createdAt when it was created, or null when not recorded
   * @param updatedAt when it last changed, or null when not recorded
   * @param metadata free-form string entries
   */
  public record Tag(String name, long version, long manifestSize, Instant createdAt, Instant updatedAt,
      Map<String, String> metadata) {
    public Tag {
      metadata = Map.copyOf(metadata);
    }
  }

  private final ObjectStore store;

  Tags(ObjectStore store) {
    this.store = store;
  }

  static void checkName(String tag) {
    if (tag == null || tag.isEmpty() || tag.contains("/") || tag.contains("\\") || tag.startsWith(".")
        || tag.endsWith(".lock") || tag.contains("..") || tag.chars().anyMatch(c -> c < 0x20 || c == ' ' || c == ':'
        || c == '?' || c == '*' || c == '[' || c == '~' || c == '^')) {
      throw new IllegalArgumentException("Invalid tag name '" + tag + "'");
    }
  }

  private static String path(String tag) {
    return DIR + tag + ".json";
  }

  /** Every tag, by name. */
  public List<Tag> list() throws IOException {
    List<Tag> out = new ArrayList<>();
    for (ObjectInfo o : store.list(DIR)) {
      String p = o.path();
      if (!p.endsWith(".json")) {
        continue;
      }
      String name = p.substring(p.lastIndexOf('/') + 1, p.length() - 5);
      try {
        out.add(get(name));
      } catch (VersionNotFoundException gone) {
        // deleted meanwhile
      }
    }
    out.sort(Comparator.comparing(Tag::name));
    return out;
  }

  /** The versions that have tags, with their tags. */
  Map<Long, List<String>> byVersion() throws IOException {
    Map<Long, List<String>> out = new TreeMap<>();
    for (Tag t : list()) {
      out.computeIfAbsent(t.version(), k -> new ArrayList<>()).add(t.name());
    }
    return out;
  }

  /**
   * The tag {@code name}.
   *
   * @throws VersionNotFoundException when there is no such tag
   */
  public Tag get(String name) throws IOException {
    checkName(name);
    byte[] bytes;
    try {
      bytes = store.readAll(path(name));
    } catch (ObjectNotFoundException e) {
      throw new VersionNotFoundException("Tag '" + name + "' does not exist in " + store.uri());
    }
    String where = store.uri() + "/" + path(name);
    try {
      Object v = Json.parse(new String(bytes, StandardCharsets.UTF_8));
      if (!(v instanceof Map<?, ?> m) || !(m.get("version") instanceof Long version) || version <= 0) {
        throw new CorruptManifestException(where, "tag file has no positive \"version\"");
      }
      long size = m.get("manifestSize") instanceof Long s ? s : 0;
      Map<String, String> meta = new LinkedHashMap<>();
      if (m.get("metadata") instanceof Map<?, ?> md) {
        for (Map.Entry<?, ?> e : md.entrySet()) {
          meta.put(String.valueOf(e.getKey()), String.valueOf(e.getValue()));
        }
      }
      return new Tag(name, version, size, instant(m.get("createdAt"), where), instant(m.get("updatedAt"), where), meta);
    } catch (IllegalArgumentException e) {
      throw new CorruptManifestException(where, e.getMessage(), e);
    }
  }

  private static Instant instant(Object v, String where) throws CorruptManifestException {
    if (!(v instanceof String s)) {
      return null;
    }
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException e) {
      throw new CorruptManifestException(where, "bad timestamp '" + s + "'", e);
    }
  }

  /**
   * Creates tag {@code name} for {@code version}.
   *
   * @throws IllegalArgumentException when the tag exists already
   * @throws VersionNotFoundException when the version does not exist
   */
  public Tag create(String name, long version) throws IOException {
    return create(name, version, Map.of());
  }

  /** As {@link #create(String, long)}, with metadata entries. */
  public Tag create(String name, long version, Map<String, String> metadata) throws IOException {
    checkName(name);
    if (store.exists(path(name))) {
      throw new IllegalArgumentException("Tag '" + name + "' already exists in " + store.uri());
    }
    Instant now = Instant.now();
    Tag t = new Tag(name, version, manifestSize(version), now, now, metadata);
    write(t, true);
    return t;
  }

  /**
   * Points tag {@code name} at another version.
   *
   * @throws VersionNotFoundException when the tag or the version does not exist
   */
  public Tag update(String name, long version) throws IOException {
    Tag old = get(name);
    Tag t = new Tag(name, version, manifestSize(version), old.createdAt() == null ? Instant.now() : old.createdAt(),
        Instant.now(), old.metadata());
    write(t, false);
    return t;
  }

  /**
   * Deletes tag {@code name}.
   *
   * @throws VersionNotFoundException when there is no such tag
   */
  public void delete(String name) throws IOException {
    checkName(name);
    if (!store.exists(path(name))) {
      throw new VersionNotFoundException("Tag '" + name + "' does not exist in " + store.uri());
    }
    store.delete(path(name));
  }

  private long manifestSize(long version) throws IOException {
    ManifestStore ms = new ManifestStore(store);
    String file = ms.list().get(version);
    if (file == null) {
      throw new VersionNotFoundException("Version " + version + " does not exist in " + store.uri());
    }
    return store.size(file);
  }

  private void write(Tag t, boolean create) throws IOException {
    StringBuilder sb = new StringBuilder();
    sb.append("{\n  \"branch\": null,\n  \"version\": ").append(t.version())
        .append(",\n  \"createdAt\": ").append(Json.quote(t.createdAt().toString()))
        .append(",\n  \"updatedAt\": ").append(Json.quote(t.updatedAt().toString()))
        .append(",\n  \"manifestSize\": ").append(t.manifestSize())
        .append(",\n  \"metadata\": {");
    boolean first = true;
    for (Map.Entry<String, String> e : new TreeMap<>(t.metadata()).entrySet()) {
      sb.append(first ? "\n" : ",\n").append("    ").append(Json.quote(e.getKey())).append(": ")
          .append(Json.quote(e.getValue()));
      first = false;
    }
    sb.append(first ? "}\n}" : "\n  }\n}");
    byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
    if (create && store instanceof dev.lancelet.io.ConditionalPut cp) {
      try {
        cp.putIfAbsent(path(t.name()), bytes);
      } catch (dev.lancelet.io.ObjectAlreadyExistsException e) {
        throw new IllegalArgumentException("Tag '" + t.name() + "' already exists in " + store.uri());
      }
    } else {
      store.put(path(t.name()), bytes);
    }
  }
}

package dev.cairn.tsdb.block;

/**
 * A {@code thanos.files} entry of meta.json: a file of the block directory and its size.
 *
 * @param relPath   path relative to the block directory, e.g. {@code chunks/000001}
 * @param sizeBytes size in bytes; 0 when unknown (Thanos omits it for meta.json itself)
 * @param hashFunc  name of the hash function of {@code hash}, or null when no hash is recorded
 * @param hash      the hash value as Thanos writes it, or null
 */
public record ThanosFile(String relPath, long sizeBytes, String hashFunc, String hash) {
    public ThanosFile(String relPath, long sizeBytes) {
        this(relPath, sizeBytes, null, null);
    }
}

package dev.cairn.tsdb.bucket;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FilesystemBucketTest extends BucketContract {

    @Override
    protected Bucket newBucket() throws IOException {
        return FilesystemBucket.open(tmp.resolve("bucket"));
    }

    private Path root() {
        return ((FilesystemBucket) bucket).root();
    }

    @Test
    void objects_areFilesUnderTheRoot_andStagingIsHidden() throws IOException {
        put("01ABC/chunks/000001", "c");
        assertEquals("c", Files.readString(root().resolve("01ABC/chunks/000001")));
        assertTrue(Files.isDirectory(root().resolve(FilesystemBucket.TMP_DIR)));
        assertEquals(List.of("01ABC/"), bucket.list("", false));
        assertEquals(List.of(), List.of(root().resolve(FilesystemBucket.TMP_DIR).toFile().list()),
                "no staging file left after an upload");
        assertThrows(IllegalArgumentException.class, () -> bucket.get(FilesystemBucket.TMP_DIR + "/x"));
    }

    @Test
    void failedUpload_leavesNoStagingFile() {
        assertThrows(IOException.class, () -> bucket.upload("x", new java.io.ByteArrayInputStream(new byte[3]), 5));
        assertEquals(0, root().resolve(FilesystemBucket.TMP_DIR).toFile().list().length);
    }

    @Test
    void open_removesOldOrphans_butNotFreshOnes() throws IOException {
        Path staging = root().resolve(FilesystemBucket.TMP_DIR);
        Path old = Files.writeString(staging.resolve("old.tmp"), "x");
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minusSeconds(7200)));
        Path fresh = Files.writeString(staging.resolve("fresh.tmp"), "y");
        FilesystemBucket.open(root()).close();
        assertFalse(Files.exists(old));
        assertTrue(Files.exists(fresh), "an upload in flight in another process must survive");
    }

    @Test
    void upload_overAPrefix_fails() throws IOException {
        put("a/b", "1");
        IOException e = assertThrows(IOException.class, () -> put("a", "2"));
        assertTrue(e.getMessage().contains("upload a to bucket"), e.getMessage());
        IOException e2 = assertThrows(IOException.class, () -> put("a/b/c", "3"));
        assertTrue(e2.getMessage().contains("upload a/b/c"), e2.getMessage());
    }
}

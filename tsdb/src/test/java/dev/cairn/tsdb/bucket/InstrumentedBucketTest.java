package dev.cairn.tsdb.bucket;

import dev.cairn.tsdb.bucket.InstrumentedBucket.Operation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class InstrumentedBucketTest {
    @TempDir
    Path tmp;

    @Test
    void counters_startAtZero_forEveryOperation() throws IOException {
        try (InstrumentedBucket b = InstrumentedBucket.wrap(FilesystemBucket.open(tmp))) {
            for (Operation op : Operation.values()) {
                assertEquals(0, b.operations(op), op.label());
                assertEquals(0, b.failures(op), op.label());
            }
            assertEquals(0, b.bytesRead());
            assertEquals(0, b.bytesUploaded());
        }
    }

    @Test
    void counts_operationsBytesAndFailures_butNotFoundIsNoFailure() throws IOException {
        try (InstrumentedBucket b = InstrumentedBucket.wrap(FilesystemBucket.open(tmp.resolve("b")))) {
            b.upload("a/x", new ByteArrayInputStream(new byte[100]), 100);
            Path f = Files.write(tmp.resolve("f"), new byte[50]);
            b.upload("a/y", f);
            assertThrows(IOException.class, () -> b.upload("a/z", new ByteArrayInputStream(new byte[1]), 10));
            assertEquals(3, b.operations(Operation.UPLOAD));
            assertEquals(1, b.failures(Operation.UPLOAD));
            assertEquals(150, b.bytesUploaded(), "only completed uploads count");

            try (InputStream in = b.get("a/x")) {
                in.readAllBytes();
            }
            try (InputStream in = b.getRange("a/y", 10, 5)) {
                in.readAllBytes();
            }
            assertEquals(105, b.bytesRead());
            assertThrows(ObjectNotFoundException.class, () -> b.get("missing"));
            assertThrows(ObjectNotFoundException.class, () -> b.attributes("missing"));
            assertEquals(2, b.operations(Operation.GET));
            assertEquals(0, b.failures(Operation.GET), "not found is an answer");
            assertEquals(0, b.failures(Operation.ATTRIBUTES));

            assertEquals(2, b.list("a", false).size());
            b.exists("a/x");
            b.delete("a/x");
            assertEquals(1, b.operations(Operation.ITER));
            assertEquals(1, b.operations(Operation.EXISTS));
            assertEquals(1, b.operations(Operation.DELETE));
            assertThrows(IllegalArgumentException.class, () -> b.delete("/bad"));
            assertEquals(1, b.failures(Operation.DELETE));
        }
    }
}

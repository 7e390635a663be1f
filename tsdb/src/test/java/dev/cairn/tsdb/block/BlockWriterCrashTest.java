package dev.cairn.tsdb.block;

import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.testing.Samples;
import dev.cairn.tsdb.testing.TestBlocks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A crash at any step of a commit leaves no block a reader would take as complete: only the
 * {@code .tmp-for-creation} directory, which {@link BlockDir} skips, and a rewrite succeeds.
 */
class BlockWriterCrashTest {
    private static final class Crash extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Crash(String stage) {
            super("simulated crash before " + stage);
        }
    }

    @Test
    void crashBeforeEachCommitStep_leavesOnlyTheTmpDir(@TempDir Path db) throws Exception {
        Samples s = new Samples(Labels.of("__name__", "m"));
        for (int i = 0; i < 500; i++) {
            s.add(i * 1000L, i);
        }
        for (String stage : List.of("index", "tombstones", "meta", "rename")) {
            Ulid id = Ulid.generate();
            // The writer is deliberately not closed: a crashed process cleans nothing up.
            BlockWriter w = BlockWriter.create(db, BlockWriter.Options.defaults().withUlid(id));
            w.stageHook(st -> {
                if (st.equals(stage)) {
                    throw new Crash(st);
                }
            });
            w.addSeries(s);
            assertThrows(Crash.class, w::commit);
            assertTrue(Files.isDirectory(db.resolve(id + BlockWriter.TMP_SUFFIX)), stage);
            assertFalse(Files.exists(db.resolve(id.toString())), stage);
            try (BlockDir d = BlockDir.open(db)) {
                assertEquals(0, d.blocks().size(), "after a crash before " + stage);
                assertEquals(0, d.failures().size(), "after a crash before " + stage);
            }
            // the same block written again (a retry after restart) replaces the leftover tmp dir
            BlockMeta m = TestBlocks.write(db, List.of(s), BlockWriter.Options.defaults().withUlid(id));
            assertFalse(Files.exists(db.resolve(id + BlockWriter.TMP_SUFFIX)));
            try (Block b = Block.open(db.resolve(id.toString()))) {
                b.verify();
                assertEquals(500, b.meta().stats().numSamples());
            }
            DurableFiles.deleteRecursively(db.resolve(m.ulid().toString()));
        }
    }
}

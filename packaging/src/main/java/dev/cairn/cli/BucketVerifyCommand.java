package dev.cairn.cli;

import dev.cairn.appliance.tool.BucketVerify;
import dev.cairn.tsdb.block.Ulid;
import dev.cairn.tsdb.bucket.Bucket;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code cairn bucket verify [--id ULID]... [--scratch-dir DIR]}. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Download each block of the bucket and check its index and chunks as the compactor does"
                + " before compacting (every series, every chunk checksum, the counts of meta.json).",
                "Exit code 1 when any block has a problem; blocks marked for deletion are skipped unless named."})
final class BucketVerifyCommand implements Callable<Integer> {
    @CommandLine.Mixin
    BucketOptions bucket;

    @Option(names = "--id", paramLabel = "ULID", description = "Verify only this block (repeatable).")
    List<String> ids = new ArrayList<>();

    @Option(names = "--scratch-dir", paramLabel = "DIR",
            description = "Where blocks are downloaded, one at a time (default: a new directory under the system"
                    + " temporary directory); removed afterwards. Needs room for the largest block.")
    Path scratch;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Set<Ulid> only = new LinkedHashSet<>();
        for (String id : ids) {
            if (!Ulid.isValid(id)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--id " + id + ": not a block ULID");
            }
            only.add(Ulid.parse(id));
        }
        if (scratch != null && Files.exists(scratch)) {
            try (var s = Files.list(scratch)) {
                if (s.findAny().isPresent()) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--scratch-dir " + scratch
                            + " is not empty; give an empty or new directory (it is deleted afterwards)");
                }
            }
        }
        try (Bucket b = bucket.open()) {
            Path dir = scratch != null ? scratch : Files.createTempDirectory("cairn-bucket-verify");
            int problems = BucketVerify.run(b, dir, only, spec.commandLine().getOut());
            return problems == 0 ? 0 : 1;
        }
    }
}

package dev.cairn.cli;

import dev.cairn.appliance.tool.BucketLs;
import dev.cairn.tsdb.bucket.Bucket;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code cairn bucket ls [-o wide|ulid|json]}. */
@Command(name = "ls", mixinStandardHelpOptions = true,
        description = {"List the blocks of the bucket: ULID, time range (UTC), compaction level, resolution, source"
                + " and markers (thanos tools bucket ls -o wide).",
                "Blocks whose meta.json cannot be read are reported on stderr; the exit code is then 1."})
final class BucketLsCommand implements Callable<Integer> {
    @CommandLine.Mixin
    BucketOptions bucket;

    @Option(names = {"-o", "--output"}, defaultValue = "wide", paramLabel = "FORMAT",
            description = "wide (default), ulid (ULIDs only) or json (each meta.json).")
    String output;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        BucketLs.Format format;
        try {
            format = BucketLs.Format.valueOf(output.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--output " + output + ": choose wide, ulid or json");
        }
        try (Bucket b = bucket.open()) {
            int corrupt = BucketLs.run(b, format, spec.commandLine().getOut(), spec.commandLine().getErr());
            return corrupt == 0 ? 0 : 1;
        }
    }
}

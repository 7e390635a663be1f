package dev.cairn.cli;

import dev.cairn.appliance.tool.BucketInspect;
import dev.cairn.tsdb.bucket.Bucket;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code cairn bucket inspect [-l NAME=VALUE]... [--sort-by COLUMN]...}. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Show the blocks of the bucket in a table with thanos tools bucket inspect's columns"
                + " (times in UTC).")
final class BucketInspectCommand implements Callable<Integer> {
    @CommandLine.Mixin
    BucketOptions bucket;

    @Option(names = {"-l", "--selector"}, paramLabel = "NAME=VALUE",
            description = "Only blocks with this external label (repeatable; all must match). VALUE may be quoted.")
    List<String> selector = new ArrayList<>();

    @Option(names = "--sort-by", paramLabel = "COLUMN",
            description = "Sort by these columns, in order (default FROM, UNTIL): one of ULID, FROM, UNTIL, RANGE,"
                    + " UNTIL-DOWN, #SERIES, #SAMPLES, #CHUNKS, COMP-LEVEL, COMP-FAILED, LABELS, RESOLUTION, SOURCE.")
    List<String> sortBy = new ArrayList<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Map<String, String> labels = new LinkedHashMap<>();
        for (String s : selector) {
            int eq = s.indexOf('=');
            if (eq <= 0) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--selector " + s + ": expected NAME=VALUE, e.g. cluster=eu1");
            }
            String v = s.substring(eq + 1);
            if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                v = v.substring(1, v.length() - 1);
            }
            labels.put(s.substring(0, eq), v);
        }
        List<String> sort = sortBy.isEmpty() ? BucketInspect.DEFAULT_SORT : sortBy;
        for (String c : sort) {
            if (!BucketInspect.COLUMNS.contains(c.toUpperCase(java.util.Locale.ROOT))) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--sort-by " + c + ": no such column; choose from " + BucketInspect.COLUMNS);
            }
        }
        try (Bucket b = bucket.open()) {
            BucketInspect.run(b, labels, sort, spec.commandLine().getOut());
        }
        return 0;
    }
}

package dev.cairn.cli;

import dev.cairn.tsdb.tool.TsdbAnalyze;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code cairn tsdb analyze [DB] [BLOCK]}: churn, cardinality and chunk fill of a block, as promtool. */
@Command(name = "analyze", mixinStandardHelpOptions = true,
        description = "Analyze churn, label pair cardinality and compaction efficiency of a block, as promtool;"
                + " then chunks and bytes per sample.")
final class TsdbAnalyzeCommand implements Callable<Integer> {
    @Option(names = "--limit", defaultValue = "20", description = "How many items to show in each list (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--extended", description = "Also read every chunk and show how full chunks are.")
    boolean extended;

    @Parameters(index = "0", arity = "0..1", defaultValue = "data/", paramLabel = "DB",
            description = "TSDB directory (default: ${DEFAULT-VALUE}).")
    Path db;

    @Parameters(index = "1", arity = "0..1", paramLabel = "BLOCK", description = "ULID of the block (default: the last one).")
    String blockId;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        TsdbAnalyze.run(db, blockId, limit, extended, spec.commandLine().getOut(), spec.commandLine().getErr());
        return 0;
    }
}

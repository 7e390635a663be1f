package dev.cairn.cli;

import dev.cairn.tsdb.block.Block;
import dev.cairn.tsdb.tool.Backfill;
import dev.cairn.tsdb.tool.GoText;
import dev.cairn.tsdb.tool.TsdbList;
import dev.cairn.tsdb.tool.openmetrics.OpenMetricsException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code cairn tsdb create-blocks-from openmetrics FILE [OUTDIR]}: promtool's backfill. The options
 * may come before or after {@code openmetrics}.
 */
@Command(name = "create-blocks-from", mixinStandardHelpOptions = true,
        description = "Import samples and produce TSDB blocks, as promtool tsdb create-blocks-from.",
        subcommands = TsdbCreateBlocksCommand.OpenMetrics.class)
final class TsdbCreateBlocksCommand implements Runnable {
    @Option(names = {"-r", "--human-readable"}, description = "Print human readable values.")
    boolean humanReadable;

    @Option(names = {"-q", "--quiet"}, description = "Do not print created blocks.")
    boolean quiet;

    @Option(names = "--max-block-duration", paramLabel = "DURATION",
            description = "Maximum duration created blocks may span, e.g. 6h. Anything less than 2h is ignored.")
    String maxBlockDuration;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "an input format is required: openmetrics");
    }

    @Command(name = "openmetrics", mixinStandardHelpOptions = true,
            description = {"Import samples from an OpenMetrics text file (every sample with a timestamp, ending with",
                    "'# EOF') into 2h blocks, as promtool does."})
    static final class OpenMetrics implements Callable<Integer> {
        @CommandLine.ParentCommand
        TsdbCreateBlocksCommand parent;

        @Option(names = {"-r", "--human-readable"}, description = "Print human readable values.")
        boolean humanReadable;

        @Option(names = {"-q", "--quiet"}, description = "Do not print created blocks.")
        boolean quiet;

        @Option(names = "--max-block-duration", paramLabel = "DURATION",
                description = "Maximum duration created blocks may span, e.g. 6h. Anything less than 2h is ignored.")
        String maxBlockDuration;

        @Parameters(index = "0", paramLabel = "FILE", description = "OpenMetrics file to read samples from.")
        Path input;

        @Parameters(index = "1", arity = "0..1", defaultValue = "data/", paramLabel = "OUTDIR",
                description = "Output directory for generated blocks (default: ${DEFAULT-VALUE}).")
        Path outputDir;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            boolean human = humanReadable || parent.humanReadable;
            boolean silent = quiet || parent.quiet;
            String d = maxBlockDuration != null ? maxBlockDuration : parent.maxBlockDuration;
            long max = d == null ? 0 : GoText.parseDurationMillis(d);
            PrintWriter out = spec.commandLine().getOut();
            int[] written = {0};
            try {
                Backfill.run(input, outputDir, max, b -> {
                    written[0]++;
                    if (silent) {
                        return;
                    }
                    long size;
                    try (Block opened = Block.open(b.dir())) {
                        size = TsdbList.blockSize(opened);
                    }
                    out.print(TsdbList.backfillRow(b.meta(), size, written[0] == 1, human));
                    out.flush();
                });
            } catch (OpenMetricsException e) {
                if (written[0] == 0) {
                    throw e;
                }
                // As promtool, blocks of the windows before the error stay; say so.
                throw new IllegalArgumentException(e.getMessage() + "; the " + written[0] + " block(s) written before"
                        + " this remain in " + outputDir, e);
            }
            if (!Files.isDirectory(outputDir)) {
                throw new IllegalStateException("output directory " + outputDir + " was not created");
            }
            return 0;
        }
    }
}

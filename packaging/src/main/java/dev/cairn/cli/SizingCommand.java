package dev.cairn.cli;

import dev.cairn.appliance.sizing.Observation;
import dev.cairn.appliance.sizing.Observer;
import dev.cairn.appliance.sizing.PrometheusApi;
import dev.cairn.appliance.sizing.PromDuration;
import dev.cairn.appliance.sizing.SizingReport;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cairn sizing}: disk and memory an appliance needs for the load of a running Prometheus. */
@Command(name = "sizing", mixinStandardHelpOptions = true,
        description = "Estimate the disk and memory Cairn needs for the load of a running Prometheus (docs/sizing.md).")
final class SizingCommand implements Callable<Integer> {
    @Option(names = "--prometheus", required = true, paramLabel = "URL",
            description = "Base URL of the Prometheus to measure, e.g. http://127.0.0.1:9090.")
    String prometheus;

    @Option(names = "--retention", paramLabel = "DURATION", defaultValue = "60d",
            description = "How long raw samples are kept (default: ${DEFAULT-VALUE}).")
    String retention;

    @Option(names = "--downsampled-retention", paramLabel = "DURATION", defaultValue = "1y",
            description = "How long 5m and 1h downsampled data are kept (default: ${DEFAULT-VALUE}).")
    String downsampledRetention;

    @Option(names = "--bytes-per-sample", paramLabel = "B",
            description = "Bytes per sample on disk; default: measured from the Prometheus's blocks, else 1.3.")
    Double bytesPerSample;

    @Option(names = "--head-bytes-per-series", paramLabel = "B", defaultValue = "1536",
            description = "Head memory per series (default: ${DEFAULT-VALUE}).")
    double headBytesPerSeries;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Duration raw = duration("--retention", retention);
        Duration ds = duration("--downsampled-retention", downsampledRetention);
        if (bytesPerSample != null && !(bytesPerSample > 0 && bytesPerSample < 1e6)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--bytes-per-sample must be a positive number of bytes, got " + bytesPerSample);
        }
        if (!(headBytesPerSeries > 0)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--head-bytes-per-series must be positive, got " + headBytesPerSeries);
        }
        PrometheusApi api = new PrometheusApi(prometheus);
        Observation o = new Observer(api).observe(bytesPerSample == null ? Double.NaN : bytesPerSample);
        SizingReport.print(spec.commandLine().getOut(), api.base(), o, raw, ds, headBytesPerSeries);
        return 0;
    }

    private Duration duration(String option, String value) {
        try {
            return PromDuration.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), option + ": " + e.getMessage());
        }
    }
}

package dev.cairn.cli;

import dev.cairn.appliance.config.ConfigLoader;
import dev.cairn.appliance.tool.BucketAccess;
import dev.cairn.tsdb.bucket.Bucket;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Which bucket a {@code cairn bucket} command reads: the one of the appliance's configuration. */
final class BucketOptions {
    @Option(names = "--config", paramLabel = "FILE",
            description = "The appliance's appliance.yaml: its bucket section (filesystem or s3) and data_dir.")
    Path config;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "The appliance's data_dir (overrides the config's): the embedded filesystem bucket is DIR/bucket.")
    Path dataDir;

    /** Opens the bucket; without either option, the embedded defaults (./data/bucket). */
    Bucket open() throws Exception {
        return BucketAccess.open(ConfigLoader.loadForTool(config, dataDir));
    }
}

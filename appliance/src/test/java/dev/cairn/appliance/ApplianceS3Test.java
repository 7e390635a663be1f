package dev.cairn.appliance;

import dev.cairn.appliance.config.ApplianceConfig;
import dev.cairn.appliance.config.ConfigLoader;
import dev.cairn.tsdb.block.Block;
import dev.cairn.tsdb.bucket.S3Bucket;
import dev.cairn.tsdb.bucket.S3ProxyServer;
import dev.cairn.tsdb.head.HeadAppender;
import dev.cairn.tsdb.labels.Labels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code bucket.type: s3} from the YAML keys, once against S3Proxy: cut blocks go to S3, not to disk. */
class ApplianceS3Test {
    @TempDir
    Path tmp;

    @Test
    void s3Bucket_fromConfig_receivesTheCutBlocks() throws Exception {
        S3ProxyServer s3 = S3ProxyServer.shared();
        String name = s3.createBucket();
        Path yaml = Files.writeString(tmp.resolve("appliance.yaml"), """
                external_labels: {cluster: eu1}
                receive: {block_duration: 10s}
                bucket:
                  type: s3
                  s3:
                    endpoint: "%s"
                    bucket: "%s"
                    region: us-east-1
                    access_key: "%s"
                    secret_key: "%s"
                    path_style: true
                compact: {enabled: false}
                """.formatted(s3.endpoint(), name, S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY));
        ApplianceConfig c = ConfigLoader.load(yaml, tmp.resolve("data"), "127.0.0.1:0", "127.0.0.1:0");
        assertTrue(c.bucket().isS3());
        assertEquals(name, c.bucket().s3().bucket());
        List<String> cut;
        try (ApplianceMain m = ApplianceMain.start(c)) {
            HeadAppender app = m.db().appender();
            for (long t = 0; t < 60_000; t += 1_000) {
                app.append(Labels.of("__name__", "m", "k", "v"), 1_700_000_000_000L + t, t);
            }
            app.commit();
            assertTrue(m.db().compact() >= 2, "blocks cut");
            cut = m.db().blocks().stream().map(Block::meta).map(b -> b.ulid().toString()).toList();
            m.shipNow();
        }
        try (S3Bucket bucket = S3Bucket.open(s3.config(name))) {
            for (String id : cut) {
                assertTrue(bucket.exists(id + "/index"), id + "/index in S3");
                try (InputStream in = bucket.get(id + "/meta.json")) {
                    String meta = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    assertTrue(meta.replaceAll("\\s", "").contains("\"cluster\":\"eu1\""), meta);
                }
            }
        }
        assertFalse(Files.exists(tmp.resolve("data").resolve("bucket").resolve(cut.get(0))),
                "nothing went to the filesystem bucket");
    }
}

package dev.cairn.appliance.registry;

import dev.cairn.appliance.web.UploadRoute;
import dev.cairn.appliance.web.WebRequest;
import dev.cairn.appliance.web.WebResponse;
import dev.cairn.tsdb.block.Ulid;
import dev.cairn.tsdb.bucket.Bucket;
import dev.cairn.tsdb.bucket.ObjectNames;
import java.io.IOException;
import java.nio.file.Path;

/**
 * {@code PUT /api/v1/agents/blocks/<ULID>/<path>}: a sidecar agent's shipper uploads a block file through
 * the appliance, which writes it to its own bucket as {@code <ULID>/<path>}, so that VMs need no bucket
 * credentials. The shipper sends meta.json last, as it does to a bucket; the bucket's uploads are atomic,
 * so a store sees a block only once its meta.json is complete.
 *
 * <p>Who may upload: a client with a certificate of the appliance CA (the agents' port verified it), or,
 * on the plain HTTP port, only a client on loopback (a demo setup on one host); anything else is 403.
 */
final class BlockUploadRoute implements UploadRoute {
    static final String PREFIX = "/api/v1/agents/blocks/";

    private final Bucket bucket;

    BlockUploadRoute(Bucket bucket) {
        this.bucket = bucket;
    }

    @Override
    public WebResponse check(WebRequest head) {
        if (head.clientId() == null && !head.fromLoopback()) {
            return WebResponse.error(403, "forbidden", "block uploads on the plain HTTP port are accepted from "
                    + "loopback only; upload through the agents' port with the agent's certificate");
        }
        String name = head.path().substring(PREFIX.length());
        int slash = name.indexOf('/');
        if (slash < 0 || !Ulid.isValid(name.substring(0, slash))) {
            return WebResponse.error(400, "bad_data", "expected " + PREFIX + "<block ULID>/<file>, e.g. "
                    + PREFIX + "01HZX3K5V9N2Q8R7T6Y4W1M0PA/meta.json, got " + head.path());
        }
        try {
            ObjectNames.checkObject(name);
        } catch (IllegalArgumentException e) {
            return WebResponse.error(400, "bad_data", "block file name " + name + ": " + e.getMessage());
        }
        return null;
    }

    @Override
    public WebResponse complete(WebRequest head, Path body) throws IOException {
        String name = head.path().substring(PREFIX.length());
        bucket.upload(name, body);
        return WebResponse.noContent();
    }
}

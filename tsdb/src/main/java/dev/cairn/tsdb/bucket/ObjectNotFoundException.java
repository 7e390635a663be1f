package dev.cairn.tsdb.bucket;

import java.io.IOException;

/** The object asked for does not exist. Callers branch on this type; other IOExceptions are failures. */
public final class ObjectNotFoundException extends IOException {
    private final String bucket;
    private final String object;

    public ObjectNotFoundException(String operation, String bucket, String object) {
        super(operation + " " + object + " in bucket " + bucket + ": object not found");
        this.bucket = bucket;
        this.object = object;
    }

    public String bucket() {
        return bucket;
    }

    public String object() {
        return object;
    }
}

package dev.cairn.cli;

import dev.cairn.tsdb.encoding.CorruptionException;

import java.io.FileNotFoundException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/** Turns an exception into the one sentence an operator reads on stderr. */
final class Errors {
    private Errors() {
    }

    static String sentence(Throwable ex) {
        Throwable t = ex;
        if (t instanceof UncheckedIOException && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof NoSuchFileException e) {
            return "no such file or directory: " + e.getFile() + (e.getReason() != null ? " (" + e.getReason() + ")" : "");
        }
        if (t instanceof AccessDeniedException e) {
            return "permission denied: " + e.getFile() + "; check its owner and mode";
        }
        if (t instanceof CorruptionException) {
            return t.getMessage() + " (the file is damaged: restore its block from a copy, or move the block"
                    + " directory out of the way)";
        }
        if (t instanceof FileNotFoundException) {
            return "file not found: " + t.getMessage();
        }
        String msg = t.getMessage();
        if (msg == null || msg.isBlank()) {
            msg = t.getClass().getSimpleName();
        }
        return msg;
    }
}

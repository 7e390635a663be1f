package dev.cairn.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs {@code cairn} in-process through {@link Cairn#execute} and keeps what it printed. */
record CliRun(int exitCode, String out, String err) {
    static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Cairn.execute(args, new PrintWriter(out), new PrintWriter(err));
        return new CliRun(code, out.toString(), err.toString());
    }

    /** True when stderr holds a Java stack trace. */
    boolean hasStackTrace() {
        return err.contains("\tat ") || err.contains("Exception:") && err.contains("\n\tat");
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- stdout:\n" + abbreviate(out) + "\n--- stderr:\n" + abbreviate(err);
    }

    private static String abbreviate(String s) {
        return s.length() < 3000 ? s : s.substring(0, 3000) + "...";
    }
}

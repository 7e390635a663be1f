package dev.cairn.appliance.pki;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * The bootstrap tokens an agent must show to enroll ({@code pki.enrollment_token_file}: one token a line, blank
 * lines and {@code #} comments ignored; Puppet writes it). The file is read at every enrollment, so adding or
 * removing a token needs no restart. Tokens are compared in constant time: both sides are hashed with SHA-256 and
 * the digests compared with {@link MessageDigest#isEqual}, against every token without stopping at a match, so
 * neither the position of a wrong byte nor which token matched shows in the answer time.
 */
final class EnrollmentTokens {
    private final Path file;

    /** @param file null: no tokens, every enrollment is refused */
    EnrollmentTokens(Path file) {
        this.file = file;
    }

    /** What a check found. */
    enum Result { ACCEPTED, REFUSED, NONE_CONFIGURED }

    Result check(String presented) throws IOException {
        List<byte[]> tokens = load();
        if (tokens.isEmpty()) {
            return Result.NONE_CONFIGURED;
        }
        byte[] given = sha256(presented == null ? "" : presented);
        boolean match = false;
        for (byte[] t : tokens) {
            match |= MessageDigest.isEqual(t, given);
        }
        return match && presented != null && !presented.isEmpty() ? Result.ACCEPTED : Result.REFUSED;
    }

    private List<byte[]> load() throws IOException {
        List<byte[]> out = new ArrayList<>();
        if (file == null) {
            return out;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return out;
        }
        for (String line : lines) {
            String t = line.strip();
            if (!t.isEmpty() && !t.startsWith("#")) {
                out.add(sha256(t));
            }
        }
        return out;
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}

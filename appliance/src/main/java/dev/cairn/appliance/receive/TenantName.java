package dev.cairn.appliance.receive;

/**
 * Which tenant names a remote write request may carry. A tenant's name becomes the name of its directory under
 * the receive directory and the value of its external label, so it must not be able to reach outside that
 * directory or hide in it: Thanos refuses {@code .}, {@code ..} and names with a slash or backslash; we also refuse
 * what a directory name or a label value cannot carry plainly (control characters, more than
 * {@value #MAX_BYTES} bytes: file systems stop at 255) and names starting with a dot, which would hide the
 * directory and could collide with our temporary names.
 */
public final class TenantName {
    /** Room under the usual 255-byte file name limit. */
    public static final int MAX_BYTES = 200;

    private TenantName() {
    }

    /** Why {@code name} cannot be a tenant, or null when it can. */
    public static String problem(String name) {
        if (name == null || name.isEmpty()) {
            return "the tenant name is empty";
        }
        if (name.startsWith(".")) { // ".", ".." and hidden names
            return "tenant \"" + printable(name) + "\" starts with a dot";
        }
        if (name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_BYTES) {
            return "tenant \"" + printable(name) + "...\" is longer than " + MAX_BYTES + " bytes";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '/' || c == '\\') {
                return "tenant \"" + printable(name) + "\" contains a path separator (" + c + ")";
            }
            if (c < 0x20 || c == 0x7f || Character.isSurrogate(c) && !validSurrogate(name, i)) {
                return "tenant \"" + printable(name) + "\" contains a control or invalid character at position " + i;
            }
        }
        return null;
    }

    private static boolean validSurrogate(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }

    /** The name for a message: control characters escaped, cut after 40 characters (a 400 body, a log line). */
    private static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && i < 40; i++) {
            char c = s.charAt(i);
            sb.append(c < 0x20 || c == 0x7f ? String.format("\\x%02x", (int) c) : String.valueOf(c));
        }
        return sb.toString();
    }
}

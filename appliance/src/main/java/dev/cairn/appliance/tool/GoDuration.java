package dev.cairn.appliance.tool;

/** Durations printed as Go's {@code time.Duration.String} prints them ({@code 2h0m0s}, {@code 1m30.5s}, {@code 500ms}). */
final class GoDuration {
    private GoDuration() {
    }

    static String format(long ms) {
        if (ms == 0) {
            return "0s";
        }
        StringBuilder sb = new StringBuilder();
        if (ms < 0) {
            sb.append('-');
            ms = -ms;
        }
        if (ms < 1000) {
            return sb.append(ms).append("ms").toString();
        }
        long h = ms / 3_600_000;
        long m = ms / 60_000 % 60;
        long s = ms / 1000 % 60;
        long frac = ms % 1000;
        if (h > 0) {
            sb.append(h).append('h');
        }
        if (h > 0 || m > 0) {
            sb.append(m).append('m');
        }
        sb.append(s);
        if (frac > 0) {
            String f = String.format("%03d", frac);
            sb.append('.').append(f.replaceAll("0+$", ""));
        }
        return sb.append('s').toString();
    }
}

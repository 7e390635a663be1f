package dev.cairn.tsdb.testing;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Go's {@code fmt} {@code %g} for a float64 (strconv.FormatFloat(v, 'g', -1, 64)), which
 * {@code promtool tsdb dump} prints values with: the shortest decimal that reads back as the same
 * double, in %e form ({@code 1.5e+06}, {@code 1e-05}) when the decimal exponent is below -4 or at
 * least 6, else plain ({@code 123456}, {@code 0.0001}); {@code NaN}, {@code +Inf}, {@code -Inf}, {@code -0}.
 *
 * <p>The shortest digits are found by rounding the exact binary value to 1, 2, ... 17 significant
 * digits until one reads back equal. Go picks the closest of the shortest candidates; the two differ
 * only when the closest p-digit decimal misses the asymmetric rounding interval at a power of two
 * while a farther one hits it, which random test values practically never meet.
 */
public final class GoFloat {
    private GoFloat() {
    }

    public static String format(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        boolean neg = Double.doubleToRawLongBits(v) < 0;
        if (v == 0) {
            return neg ? "-0" : "0";
        }
        BigDecimal exact = new BigDecimal(Math.abs(v));
        BigDecimal shortest = null;
        for (int p = 1; p <= 17; p++) {
            BigDecimal r = exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
            if (r.doubleValue() == Math.abs(v)) {
                shortest = r;
                break;
            }
        }
        if (shortest == null) {
            throw new AssertionError("no 17-digit decimal reads back as " + v);
        }
        shortest = shortest.stripTrailingZeros();
        String digits = shortest.unscaledValue().toString();
        int dp = digits.length() - shortest.scale(); // value = 0.digits × 10^dp
        int exp = dp - 1;
        StringBuilder sb = new StringBuilder(24);
        if (neg) {
            sb.append('-');
        }
        if (exp < -4 || exp >= 6) {
            sb.append(digits.charAt(0));
            if (digits.length() > 1) {
                sb.append('.').append(digits, 1, digits.length());
            }
            sb.append('e').append(exp < 0 ? '-' : '+');
            int a = Math.abs(exp);
            if (a < 10) {
                sb.append('0');
            }
            sb.append(a);
        } else if (dp <= 0) {
            sb.append("0.");
            sb.append("0".repeat(-dp));
            sb.append(digits);
        } else if (dp >= digits.length()) {
            sb.append(digits).append("0".repeat(dp - digits.length()));
        } else {
            sb.append(digits, 0, dp).append('.').append(digits, dp, digits.length());
        }
        return sb.toString();
    }
}

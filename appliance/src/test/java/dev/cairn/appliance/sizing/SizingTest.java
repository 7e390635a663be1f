package dev.cairn.appliance.sizing;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The reference site of docs/sizing.md: 100k samples/s, 3M head series, 60 d raw, 1 y downsampled. */
class SizingTest {
    private static final Observation SITE = new Observation(100_000, "given", 3_000_000, 1.3, "default");

    @Test
    void rawBytes_referenceSite_isTheWorkedExample() {
        // 5,184,000 s x 100,000 /s x 1.3 B x 1.2 x 1.05 = 849,139,200,000 B (by hand, docs/sizing.md)
        assertEquals(849_139_200_000.0, Sizing.rawBytes(SITE, Duration.ofDays(60)), 1.0);
    }

    @Test
    void downsampledBytes_referenceSite_isTheWorkedExample() {
        // 3M x 5 x (1/300 + 1/3600) = 54,166.67 samples/s; x 31,536,000 s x 1.3 x 1.2 x 1.05 = 2,798,031,600,000 B
        assertEquals(2_798_031_600_000.0, Sizing.downsampledBytes(SITE, Duration.ofDays(365)), 10.0);
    }

    @Test
    void walAndHead_referenceSite_areTheWorkedExample() {
        assertEquals(12_960_000_000.0, Sizing.walBytes(SITE), 1.0);          // 10,800 s x 100k x 12 B
        assertEquals(4_608_000_000.0, Sizing.headBytes(SITE, 1536), 1.0);   // 3M x 1.5 KiB
    }

    @Test
    void lines_total_isSumOfDiskLines_andFormulasShowInputs() {
        List<Sizing.Line> lines = Sizing.lines(SITE, Duration.ofDays(60), Duration.ofDays(365), 1536);
        assertEquals(lines.get(0).bytes() + lines.get(1).bytes() + lines.get(2).bytes(), lines.get(3).bytes(), 1.0);
        assertTrue(lines.get(0).formula().startsWith("5184000 s (60d) x 100000.0 samples/s x 1.300 B/sample x 1.20 x 1.05"),
                lines.get(0).formula());
        assertEquals("791 GiB", Sizing.bytes(lines.get(0).bytes()));
    }

    @Test
    void promDuration_units_followPrometheus() {
        assertEquals(Duration.ofDays(365), PromDuration.parse("1y"));
        assertEquals(Duration.ofDays(60), PromDuration.parse("60d"));
        assertEquals(Duration.ofDays(15).plusHours(2).plusMinutes(30), PromDuration.parse("2w1d2h30m"));
        assertThrows(IllegalArgumentException.class, () -> PromDuration.parse("60 days"));
        assertThrows(IllegalArgumentException.class, () -> PromDuration.parse("1h2d"));
        assertThrows(IllegalArgumentException.class, () -> PromDuration.parse(""));
    }
}

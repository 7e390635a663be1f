package dev.cairn.agent.sidecar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PromDurationTest {
    @Test
    void parse_compoundDurations_addUp() {
        assertEquals(7_200_000L, PromDuration.parseMillis("2h", "x"));
        assertEquals(5_400_000L, PromDuration.parseMillis("1h30m", "x"));
        assertEquals(129_600_000L, PromDuration.parseMillis("1d12h", "x"));
        assertEquals(1_500L, PromDuration.parseMillis("1s500ms", "x"));
        assertEquals(0L, PromDuration.parseMillis("0s", "x"));
        assertEquals(365L * 86_400_000L + 7L * 86_400_000L, PromDuration.parseMillis("1y1w", "x"));
    }

    @Test
    void parse_unknownUnit_namesTheFlag() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PromDuration.parseMillis("2x", "storage.tsdb.min-block-duration"));
        assertTrue(e.getMessage().contains("storage.tsdb.min-block-duration"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PromDuration.parseMillis("h", "x"));
        assertThrows(IllegalArgumentException.class, () -> PromDuration.parseMillis("", "x"));
    }

    @Test
    void blockDurations_equalWrittenDifferently_pass_differing_refuse() throws Exception {
        ShipperRunner.checkBlockDurations("test", Map.of("storage.tsdb.min-block-duration", "2h",
                "storage.tsdb.max-block-duration", "120m"));
        SidecarException e = assertThrows(SidecarException.class, () -> ShipperRunner.checkBlockDurations("test",
                Map.of("storage.tsdb.min-block-duration", "2h", "storage.tsdb.max-block-duration", "1d12h")));
        assertTrue(e.getMessage().contains("--storage.tsdb.min-block-duration=2h --storage.tsdb.max-block-duration=2h"),
                e.getMessage());
        assertThrows(SidecarException.class, () -> ShipperRunner.checkBlockDurations("test", Map.of()));
    }
}

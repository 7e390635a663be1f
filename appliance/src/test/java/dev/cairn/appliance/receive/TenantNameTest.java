package dev.cairn.appliance.receive;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TenantNameTest {
    @Test
    void namesThanosAccepts_areTenants() {
        for (String ok : List.of("default-tenant", "team-a", "team.a", "a..b", "team a", "équipe-ü", "x".repeat(200),
                "wal", "chunks_head", "01HZX3K4ZQ8W5N0F1M2R3T4Y5V", "\uD83D\uDE80")) {
            assertNull(TenantName.problem(ok), ok);
        }
    }

    @Test
    void pathTricksAndUnprintableNames_areRefused_withThemEscapedInTheReason() {
        for (String bad : List.of("", ".", "..", ".hidden", "../x", "a/b", "/abs", "a\\b", "x".repeat(201),
                "é".repeat(101), "a\u0000b", "tab\there", "del\u007f", "lone\uD83D")) {
            assertNotNull(TenantName.problem(bad), bad);
        }
        assertNull(TenantName.problem("é".repeat(100)), "200 bytes is the limit, not 200 characters");
        assertEquals("tenant \"x\\x0ay\" contains a control or invalid character at position 1",
                TenantName.problem("x\ny"));
        String slash = TenantName.problem("a/\nb");
        assertTrue(slash.contains("\\x0a") && !slash.contains("\n"), slash);
        assertTrue(TenantName.problem(null).contains("empty"));
    }
}

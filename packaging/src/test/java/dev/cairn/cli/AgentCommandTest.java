package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class AgentCommandTest {
    @Test
    void agentWithoutAppliance_failsWithOneSentenceNamingTheKey() {
        StringWriter err = new StringWriter();
        int code = Cairn.execute(new String[] {"agent", "--data-dir", "/tmp/cairn-agent-unused"},
                new PrintWriter(new StringWriter()), new PrintWriter(err));
        assertEquals(1, code);
        assertTrue(err.toString().startsWith("cairn: invalid agent configuration in command line: "
                + "appliance.url (--appliance): required"), err.toString());
    }

    @Test
    void agentHelp_listsTheScriptFlags() {
        StringWriter out = new StringWriter();
        assertEquals(0, Cairn.execute(new String[] {"agent", "--help"}, new PrintWriter(out),
                new PrintWriter(new StringWriter())));
        for (String flag : new String[] {"--config", "--appliance", "--data-dir", "--relay-address", "--insecure"}) {
            assertTrue(out.toString().contains(flag), out.toString());
        }
    }
}

package org.layerbraid.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.layerbraid.tools.run.Verification;
import org.layerbraid.vecmath.Activation;

class VerifyCommandTest {
    @Test
    void everyCheckPassesOnASmallNetwork() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<Verification.Check> checks = Verification.run(
                new Verification.Setup(24, 4, 20, Activation.TANH, 3, 3, 2, 7), new PrintStream(bytes));
        assertEquals(9, checks.size());
        for (Verification.Check c : checks) {
            assertTrue(c.passed(), c + "\n" + bytes);
        }
        assertTrue(bytes.toString().contains("PASS"));
    }

    @Test
    void badSettingsEndInOneLine() {
        StringWriter err = new StringWriter();
        int code = Main.execute(new String[] {"verify", "--cfactor", "1"}, new PrintWriter(new StringWriter(), true),
                new PrintWriter(err, true));
        assertEquals(1, code);
        assertTrue(err.toString().contains("cfactor ≥ 2"), err.toString());
        assertEquals(1, err.toString().strip().lines().count());
    }
}

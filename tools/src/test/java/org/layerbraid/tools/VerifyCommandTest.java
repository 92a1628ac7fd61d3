package org.layerbraid.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.layerbraid.mgrit.api.Step;
import org.layerbraid.tools.run.Verification;
import org.layerbraid.vecmath.Matrix;
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

    /** A user's chain: u' = −u by forward Euler, forward only. */
    public static final class Decay implements Step {
        @Override
        public void apply(int n, double h, Matrix u, Matrix next) {
            for (int r = 0; r < u.rows(); r++) {
                for (int c = 0; c < u.cols(); c++) {
                    next.set(r, c, u.get(r, c) * (1 - h));
                }
            }
        }
    }

    @Test
    void aUsersPropagatorIsCheckedFromTheCommandLine() {
        PrintStream saved = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(bytes, true));
            code = Main.execute(new String[] {"verify", "--propagator", Decay.class.getName(), "--classpath",
                "target/test-classes", "--layers", "32", "--width", "2", "--batch", "3", "--linear"},
                    new PrintWriter(new StringWriter(), true), new PrintWriter(new StringWriter(), true));
        } finally {
            System.setOut(saved);
        }
        assertEquals(0, code, bytes.toString());
        assertTrue(bytes.toString().contains("All 7 checks passed."), bytes.toString());
        assertTrue(bytes.toString().contains("linear: Φ(a·u + v) = a·Φ(u) + Φ(v)"), bytes.toString());

        StringWriter err = new StringWriter();
        assertEquals(1, Main.execute(new String[] {"verify", "--propagator", "no.such.Chain"},
                new PrintWriter(new StringWriter(), true), new PrintWriter(err, true)));
        assertTrue(err.toString().contains("--propagator no.such.Chain: no such class"), err.toString());
        assertEquals(1, err.toString().strip().lines().count());
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

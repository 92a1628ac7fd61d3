package org.layerbraid.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class MainTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test
    void everyCommandHasHelp() {
        assertEquals(0, run("--help"));
        assertTrue(out.toString().contains("bench"), out.toString());
        assertEquals(0, run("bench", "--help"));
        assertTrue(out.toString().contains("--quick"));
    }

    @Test
    void badInputIsOneLineAndNonZero() {
        assertEquals(2, run("bench", "--frobnicate"));
        String message = err.toString().strip();
        assertTrue(message.startsWith("layerbraid: Unknown option: '--frobnicate'"), message);
        assertEquals(1, message.lines().count(), message);
        err.getBuffer().setLength(0);
        assertEquals(2, run("bench", "--suite", "nonsense"));
        assertTrue(err.toString().contains("nonsense"), err.toString());
        err.getBuffer().setLength(0);
        assertEquals(2, run("launch-rockets"));
        assertEquals(2, run());
        assertTrue(err.toString().contains("missing command"), err.toString());
    }

    @Test
    void errorsAreDescribedByTheirFirstMeaningfulMessage() {
        assertEquals("disk full", Main.describe(new RuntimeException(new java.io.IOException("disk full"))));
        assertEquals("NullPointerException", Main.describe(new NullPointerException()));
        // A wrapper that names the file wins over the system's bare cause.
        assertEquals("cannot write /runs/x/history.csv: No space left on device", Main.describe(
                new java.io.UncheckedIOException("cannot write /runs/x/history.csv: No space left on device",
                        new java.io.IOException("No space left on device"))));
    }
}

package org.layerbraid.mgrit.training;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Facts about the machine that run summaries and benchmark reports name. */
public final class Machine {
    private Machine() {
    }

    /** The CPU's model name from /proc/cpuinfo, or the architecture where that cannot be read. */
    public static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux, or not readable: the architecture alone will do.
        }
        return System.getProperty("os.arch");
    }
}

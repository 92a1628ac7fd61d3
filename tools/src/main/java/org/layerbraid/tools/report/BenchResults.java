package org.layerbraid.tools.report;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.layerbraid.bench.Row;
import org.layerbraid.mgrit.training.Machine;

/**
 * The points of one bench run and where they were measured.
 *
 * @param mode    quick or full
 * @param date    the day of the run (UTC, ISO)
 * @param machine the CPU model and core count
 * @param java    the JVM's version
 * @param rows    every point
 */
public record BenchResults(String mode, String date, String machine, String java, List<Row> rows) {
    public BenchResults {
        rows = List.copyOf(rows);
    }

    /** The points of a run made now on this machine. */
    public static BenchResults now(boolean quick, List<Row> rows) {
        return new BenchResults(quick ? "quick" : "full", LocalDate.now(ZoneOffset.UTC).toString(),
                Machine.cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " cores",
                Runtime.version().toString(), rows);
    }
}

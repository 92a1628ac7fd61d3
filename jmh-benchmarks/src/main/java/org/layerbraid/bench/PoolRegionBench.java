package org.layerbraid.bench;

import java.util.concurrent.TimeUnit;
import org.layerbraid.mgrit.exec.IdlePolicy;
import org.layerbraid.mgrit.exec.Partition;
import org.layerbraid.mgrit.exec.Region;
import org.layerbraid.mgrit.exec.WorkerPool;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The fixed cost of one parallel region of the worker pool: an empty body, and a tiny one (each worker sums
 * its share of 256 doubles), regions back to back as inside a solve. With one worker it is the call alone.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class PoolRegionBench {
    /** Doubles summed by the tiny region. */
    private static final int TINY = 256;
    /** Stride between per-worker partial sums: 128 bytes, so workers do not write the same cache lines. */
    private static final int PAD = 16;

    @Param({"1", "2"})
    public int workers;

    @Param({"SPIN", "BACKOFF"})
    public IdlePolicy policy;

    private WorkerPool pool;
    private final double[] values = new double[TINY];
    private double[] partial;
    private final Region empty = (t, p) -> { };
    private final Region tiny = (t, p) -> {
        double s = 0;
        for (int i = Partition.from(t, p, TINY), end = Partition.to(t, p, TINY); i < end; i++) {
            s += values[i];
        }
        partial[(t + 1) * PAD] = s;
    };

    @Setup(Level.Trial)
    public void setUp() {
        for (int i = 0; i < TINY; i++) {
            values[i] = i * 0.5;
        }
        partial = new double[(workers + 1) * PAD];
        pool = new WorkerPool(workers, policy);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
    }

    @Benchmark
    public void emptyRegion() {
        pool.run(empty);
    }

    @Benchmark
    public double tinyRegion() {
        pool.run(tiny);
        return partial[workers * PAD];
    }
}

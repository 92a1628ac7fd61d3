package org.layerbraid.bench;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * The machine's memory bandwidth, the other roof beside {@link FmaPeak}: the STREAM triad {@code a = b + s·c}
 * on three arrays of 64 MiB each per thread (far beyond any cache), on one core and on two at once. One operation
 * is one pass; {@link #BYTES} per pass is counted as STREAM counts it (two reads and one write per element, the
 * write's read-for-ownership not counted), and JMH adds up the threads' passes, so ops/s × BYTES is the bandwidth.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class TriadBandwidth {
    static final int LENGTH = 1 << 23;
    /** Bytes one operation counts. */
    public static final double BYTES = 3.0 * Double.BYTES * LENGTH;

    private final double[] a = new double[LENGTH];
    private final double[] b = new double[LENGTH];
    private final double[] c = new double[LENGTH];
    public double s = 3;

    public TriadBandwidth() {
        Arrays.fill(b, 1);
        Arrays.fill(c, 2);
    }

    @Benchmark
    @Threads(1)
    public double oneThread() {
        return triad();
    }

    @Benchmark
    @Threads(2)
    public double twoThreads() {
        return triad();
    }

    private double triad() {
        double[] x = a;
        double[] y = b;
        double[] z = c;
        double f = s;
        for (int i = 0; i < LENGTH; i++) {
            x[i] = y[i] + f * z[i];
        }
        return x[LENGTH - 1];
    }
}

package org.layerbraid.bench;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The machine's peak: independent chains of vector FMAs, enough of them (10) to cover the FMA latency on
 * both pipes, so the loop runs at the core's FMA throughput. One operation = {@link #STEPS} steps of every
 * chain; {@link Flops#fmaPeak} converts to GFLOP/s. The values converge to c/(1−m), so no denormals occur.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class FmaPeak {
    static final int STEPS = 4096;
    static final int CHAINS = 10;

    public float m32 = 0.999f;
    public float c32 = 1e-3f;
    public double m64 = 0.999;
    public double c64 = 1e-3;

    @Benchmark
    public float f32() {
        FloatVector m = FloatVector.broadcast(FloatVector.SPECIES_PREFERRED, m32);
        FloatVector c = FloatVector.broadcast(FloatVector.SPECIES_PREFERRED, c32);
        FloatVector a0 = c, a1 = c.add(1), a2 = c.add(2), a3 = c.add(3), a4 = c.add(4);
        FloatVector a5 = c.add(5), a6 = c.add(6), a7 = c.add(7), a8 = c.add(8), a9 = c.add(9);
        for (int i = 0; i < STEPS; i++) {
            a0 = a0.fma(m, c);
            a1 = a1.fma(m, c);
            a2 = a2.fma(m, c);
            a3 = a3.fma(m, c);
            a4 = a4.fma(m, c);
            a5 = a5.fma(m, c);
            a6 = a6.fma(m, c);
            a7 = a7.fma(m, c);
            a8 = a8.fma(m, c);
            a9 = a9.fma(m, c);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).lane(0);
    }

    @Benchmark
    public double f64() {
        DoubleVector m = DoubleVector.broadcast(DoubleVector.SPECIES_PREFERRED, m64);
        DoubleVector c = DoubleVector.broadcast(DoubleVector.SPECIES_PREFERRED, c64);
        DoubleVector a0 = c, a1 = c.add(1), a2 = c.add(2), a3 = c.add(3), a4 = c.add(4);
        DoubleVector a5 = c.add(5), a6 = c.add(6), a7 = c.add(7), a8 = c.add(8), a9 = c.add(9);
        for (int i = 0; i < STEPS; i++) {
            a0 = a0.fma(m, c);
            a1 = a1.fma(m, c);
            a2 = a2.fma(m, c);
            a3 = a3.fma(m, c);
            a4 = a4.fma(m, c);
            a5 = a5.fma(m, c);
            a6 = a6.fma(m, c);
            a7 = a7.fma(m, c);
            a8 = a8.fma(m, c);
            a9 = a9.fma(m, c);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).lane(0);
    }
}

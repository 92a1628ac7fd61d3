package org.layerbraid.bench;

import java.util.SplittableRandom;
import org.layerbraid.vecmath.Kernels;
import org.layerbraid.vecmath.Matrix;
import org.layerbraid.vecmath.Precision;
import org.layerbraid.vecmath.TensorArena;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/** What the kernel benchmarks share: precision and implementation parameters, an arena, seeded inputs. */
@State(Scope.Thread)
public abstract class KernelState {
    @Param({"f64", "f32"})
    public String precision;

    @Param({"panama"})
    public String impl;

    protected TensorArena arena;
    protected Kernels kernels;
    protected Precision p;

    protected void open() {
        arena = new TensorArena("benchmark");
        kernels = "scalar".equals(impl) ? Kernels.scalar() : Kernels.panama();
        p = Precision.parse(precision);
    }

    /** A matrix of uniform values in [−scale, scale]. */
    protected Matrix random(int rows, int cols, long seed, double scale) {
        Matrix m = arena.matrix(p, rows, cols);
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                m.set(r, c, scale * (2 * rnd.nextDouble() - 1));
            }
        }
        return m;
    }

    @TearDown(Level.Trial)
    public void close() {
        arena.close();
    }
}

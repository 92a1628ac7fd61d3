package org.layerbraid.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.layerbraid.vecmath.Activation;
import org.layerbraid.vecmath.Kernels;
import org.layerbraid.vecmath.Matrix;
import org.layerbraid.vecmath.Precision;
import org.layerbraid.vecmath.TensorArena;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost model's unit costs: the time of one layer step of the network (f64, smooth ReLU, scalar bias as the
 * Peaks network has) for the whole batch, forward with z stored, adjoint on the stored z, and adjoint with the
 * parameter gradient. Divided by the batch they are t_step, t_adj and t_adj + t_grad per example. Also one pass of
 * a vector operation over a state (y ← a·x + b·y, as MGRIT's restriction and coarse levels do), t_vec, and the
 * forward step with every core doing the same at once, whose ratio to {@link #step} is the slow-down of sharing
 * the memory bandwidth.
 * <p>
 * As in a deep network, every call works on another layer's states: the calls go round {@link #FOOTPRINT} bytes of
 * states, pre-activations and adjoints, more than the caches hold, so the unit costs include streaming them from
 * memory (in cache the same steps are up to twice as fast). Every layer has its own λ, as in MGRIT's adjoint
 * solve (serial backpropagation keeps two, in cache).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class LayerStepBench {
    /** Bytes of states, pre-activations and adjoints the calls go round: more than this machine's 480 MiB L3. */
    static final long FOOTPRINT = 768L << 20;
    private static final double H = 1.0 / 64;

    @Param({"8", "32", "64"})
    public int width;

    @Param({"64", "1024", "5000"})
    public int batch;

    private TensorArena arena;
    private Kernels kernels;
    private Matrix k, bias, g, dk, db;
    private Matrix[] u, z, lambda;
    private int layer;

    @Setup(Level.Trial)
    public void setUp() {
        arena = new TensorArena("benchmark");
        kernels = Kernels.defaults();
        int layers = (int) Math.max(2, FOOTPRINT / (3L * width * batch * Double.BYTES));
        k = random(width, width, 1, 1 / Math.sqrt(width));
        bias = random(1, 1, 2, 0.1);
        u = new Matrix[layers + 1];
        z = new Matrix[layers];
        u[0] = random(width, batch, 3, 1);
        for (int n = 0; n < layers; n++) {
            u[n + 1] = arena.matrix(Precision.F64, width, batch);
            z[n] = arena.matrix(Precision.F64, width, batch);
            kernels.residualStep(k, bias, H, Activation.SMOOTH_RELU, u[n], u[n + 1], z[n]);
        }
        g = arena.matrix(Precision.F64, width, batch);
        lambda = new Matrix[layers + 1];
        lambda[layers] = random(width, batch, 4, 1);
        for (int n = layers - 1; n >= 0; n--) {
            lambda[n] = arena.matrix(Precision.F64, width, batch);
            kernels.adjointStep(k, z[n], null, H, Activation.SMOOTH_RELU, lambda[n + 1], lambda[n], g, null, null);
        }
        dk = arena.matrix(Precision.F64, width, width);
        db = arena.matrix(Precision.F64, 1, 1);
    }

    private Matrix random(int rows, int cols, long seed, double scale) {
        Matrix m = arena.matrix(Precision.F64, rows, cols);
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                m.set(r, c, scale * (2 * rnd.nextDouble() - 1));
            }
        }
        return m;
    }

    /** The layer of this call: the next one round the footprint. */
    private int next() {
        int n = layer;
        layer = n + 1 == z.length ? 0 : n + 1;
        return n;
    }

    @Benchmark
    public Matrix step() {
        int n = next();
        kernels.residualStep(k, bias, H, Activation.SMOOTH_RELU, u[n], u[n + 1], z[n]);
        return u[n + 1];
    }

    @Benchmark
    @Threads(Threads.MAX)
    public Matrix stepAllCores() {
        return step();
    }

    @Benchmark
    public Matrix axpby() {
        int n = next();
        kernels.axpby(0.5, u[n], 0.5, u[n + 1]);
        return u[n + 1];
    }

    @Benchmark
    public Matrix adjoint() {
        int n = next();
        kernels.adjointStep(k, z[n], null, H, Activation.SMOOTH_RELU, lambda[n + 1], lambda[n], g, null, null);
        return lambda[n];
    }

    @Benchmark
    public Matrix adjointGradient() {
        int n = next();
        kernels.adjointStep(k, z[n], u[n], H, Activation.SMOOTH_RELU, lambda[n + 1], lambda[n], g, dk, db);
        return lambda[n];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }
}

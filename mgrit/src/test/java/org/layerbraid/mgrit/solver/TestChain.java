package org.layerbraid.mgrit.solver;

import java.util.SplittableRandom;
import org.layerbraid.mgrit.nn.Initialization;
import org.layerbraid.mgrit.nn.NetworkConfig;
import org.layerbraid.mgrit.nn.ResNet;
import org.layerbraid.mgrit.nn.ResNetPropagator;
import org.layerbraid.vecmath.Activation;
import org.layerbraid.vecmath.Kernels;
import org.layerbraid.vecmath.Matrix;
import org.layerbraid.vecmath.Precision;
import org.layerbraid.vecmath.TensorArena;

/** A test problem in float64: a propagator, a random initial state and the serially propagated states. */
final class TestChain implements AutoCloseable {
    /** The two propagators the solver tests run on. */
    enum Kind { LINEAR, RESNET }

    static final Kernels KERNELS = Kernels.defaults();

    final Propagator propagator;
    final int steps;
    final double h;
    final int width;
    final int batch;
    final Matrix u0;
    final Matrix[] serial;
    private final TensorArena arena;
    private final ResNet model;

    private TestChain(Propagator propagator, int steps, double h, int width, int batch, TensorArena arena,
            ResNet model, long seed) {
        this.propagator = propagator;
        this.steps = steps;
        this.h = h;
        this.width = width;
        this.batch = batch;
        this.arena = arena;
        this.model = model;
        SplittableRandom random = new SplittableRandom(seed);
        this.u0 = arena.matrix(Precision.F64, width, batch);
        for (int r = 0; r < width; r++) {
            for (int c = 0; c < batch; c++) {
                u0.set(r, c, random.nextDouble(-1, 1));
            }
        }
        this.serial = new Matrix[steps + 1];
        serial[0] = arena.copyOf(u0);
        for (int n = 0; n < steps; n++) {
            serial[n + 1] = arena.matrix(Precision.F64, width, batch);
            propagator.step(n, h, serial[n], serial[n + 1], null, 0, batch);
        }
    }

    static TestChain of(Kind kind, int steps) {
        return kind == Kind.LINEAR ? linear(steps, 1.0 / steps, 0.5) : resNet(steps, 7);
    }

    /**
     * {@code u_{n+1} = u_n + h·A_n u_n} on 2 × 3 states, {@code A_n = [[−d, w_n], [−w_n, −d]]}: a damped rotation
     * whose frequency w_n varies with n.
     */
    static TestChain linear(int steps, double h, double damping) {
        TensorArena arena = new TensorArena("linear test chain");
        Matrix[] a = new Matrix[steps];
        for (int n = 0; n < steps; n++) {
            double w = 1 + 0.5 * Math.sin(0.3 * n);
            a[n] = arena.matrix(Precision.F64, 2, 2);
            a[n].copyFrom(new double[] {-damping, w, -w, -damping});
        }
        return new TestChain(new LinearPropagator(a), steps, h, 2, 3, arena, null, 11);
    }

    /** A tanh ResNet of width 4 on a batch of 5, T = 1, with standard normal weights and biases. */
    static TestChain resNet(int steps, long seed) {
        return resNet(steps, seed, 5);
    }

    /** The ResNet chain on a batch of the given size. */
    static TestChain resNet(int steps, long seed, int batch) {
        NetworkConfig config = new NetworkConfig(2, 2, 4, steps, 1.0, Activation.TANH, NetworkConfig.Opening.ZERO_PAD,
                false, 0, 0, 0, Precision.F64);
        ResNet model = new ResNet(config);
        new Initialization(Initialization.Kind.NORMAL, 1, 1, 1).apply(model.parameters(), seed);
        TensorArena arena = new TensorArena("resnet test chain");
        ResNetPropagator p = ResNetPropagator.withThreadScratch(KERNELS, config, batch, arena);
        p.use(model.parameters());
        return new TestChain(p, steps, config.h(), 4, batch, arena, model, seed);
    }

    /** The ResNet behind a RESNET chain (null for the linear one). */
    ResNet model() {
        return model;
    }

    /** A solver for this chain. */
    ForwardSolver solver(MgritOptions options, int workers) {
        return new ForwardSolver(propagator, KERNELS, steps, h, Precision.F64, width, batch, options, workers);
    }

    /** The largest absolute difference between the solver's state n and the serial one. */
    double error(ForwardSolver solver, int n) {
        double[] a = solver.state(n).toArray();
        double[] b = serial[n].toArray();
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    @Override
    public void close() {
        arena.close();
        if (model != null) {
            model.close();
        }
    }

    /** {@code next = u + h·A_n u} with the kernels' copy and gemm on the column range. */
    private record LinearPropagator(Matrix[] a) implements Propagator {
        @Override
        public void step(int n, double h, Matrix u, Matrix next, Matrix z, int c0, int c1) {
            Matrix from = u.columns(c0, c1);
            Matrix to = next.columns(c0, c1);
            KERNELS.copy(from, to);
            KERNELS.gemm(false, false, h, a[n], from, 1, to);
        }

        @Override
        public void adjointStep(int n, double h, Matrix u, Matrix z, Matrix lambda, Matrix lambdaPrev,
                boolean accumulateGradient, int c0, int c1) {
            throw new UnsupportedOperationException("the forward solver tests need no adjoint");
        }
    }
}

package org.layerbraid.bench;

import java.util.SplittableRandom;
import org.layerbraid.mgrit.nn.NetworkConfig;
import org.layerbraid.mgrit.nn.ResNetPropagator;
import org.layerbraid.mgrit.solver.AdjointSolver;
import org.layerbraid.mgrit.solver.ForwardSolver;
import org.layerbraid.mgrit.solver.InitialGuess;
import org.layerbraid.mgrit.solver.MgritOptions;
import org.layerbraid.vecmath.Kernels;
import org.layerbraid.vecmath.Matrix;
import org.layerbraid.vecmath.Precision;
import org.layerbraid.vecmath.TensorArena;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * What the MGRIT benchmarks share: the Peaks network of the given shape, a propagator with per-thread scratch,
 * seeded u_0 and λ_N, and solvers in fixed-iteration mode with a warm initial guess (the one-shot setting). The
 * MGRIT settings are parameters too, so that every result names everything the cost model needs.
 */
@State(Scope.Thread)
public abstract class MgritState {
    @Param({"64", "256", "1024"})
    public int layers;

    @Param({"8"})
    public int width;

    @Param({"5000"})
    public int batch;

    @Param({"1", "2"})
    public int workers;

    /** The most grid levels. */
    @Param({"8"})
    public int levels;

    /** The fewest steps of a coarse level. */
    @Param({"8"})
    public int minCoarse;

    @Param({"4"})
    public int cfactor;

    /** Relaxation on level 0 (F or FCF); the coarse levels use FCF. */
    @Param({"F"})
    public String relax;

    protected PeaksProblem problem;
    protected ResNetPropagator propagator;
    protected Matrix u0;
    protected Matrix lambdaN;
    private TensorArena arena;

    /** Builds the network and inputs; solvers are made by {@link #forward} and {@link #adjoint}. */
    protected void open() {
        problem = new PeaksProblem(layers, width, 1);
        arena = new TensorArena("mgrit benchmark");
        propagator = ResNetPropagator.withThreadScratch(Kernels.defaults(), problem.config, batch, arena);
        propagator.use(problem.model.parameters());
        propagator.accumulateInto(problem.model.newVector(arena));
        u0 = random(1);
        lambdaN = random(2);
    }

    private Matrix random(long seed) {
        Matrix m = arena.matrix(Precision.F64, width, batch);
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int r = 0; r < width; r++) {
            for (int c = 0; c < batch; c++) {
                m.set(r, c, 2 * rnd.nextDouble() - 1);
            }
        }
        return m;
    }

    private MgritOptions options(int iterations) {
        int sweeps0 = switch (relax) {
            case "F" -> 0;
            case "FCF" -> 1;
            default -> throw new IllegalArgumentException("relax must be F or FCF, got " + relax);
        };
        return MgritOptions.builder().levels(levels, minCoarse).cfactor(cfactor, cfactor).cfSweeps(sweeps0, 1)
                .fixedIterations(iterations).initialGuess(InitialGuess.WARM).build();
    }

    protected ForwardSolver forward(int iterations) {
        NetworkConfig c = problem.config;
        return new ForwardSolver(propagator, Kernels.defaults(), layers, c.h(), Precision.F64, width, batch,
                options(iterations), workers);
    }

    protected AdjointSolver adjoint(int iterations) {
        NetworkConfig c = problem.config;
        return new AdjointSolver(propagator, Kernels.defaults(), layers, c.h(), Precision.F64, width, batch,
                options(iterations), workers);
    }

    /** Closes the network and inputs: the last thing a subclass's tear-down does, after closing its solvers. */
    protected void closeProblem() {
        arena.close();
        problem.close();
    }
}

package org.layerbraid.mgrit.solver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.layerbraid.mgrit.exec.WorkerPool;
import org.layerbraid.mgrit.nn.Parameters;
import org.layerbraid.mgrit.nn.ResNetPropagator;
import org.layerbraid.vecmath.Matrix;
import org.layerbraid.vecmath.Precision;
import org.layerbraid.vecmath.TensorArena;

/**
 * Forward and adjoint MGRIT solves distributed over 2, 3 and 4 ranks (threads with an in-process communicator)
 * against one rank: every state on its owner, every residual norm, every λ on its owner and every layer's gradient
 * on the rank that adds it have the same bits, for one and several levels, F and FCF relaxation, V- and F-cycles,
 * fixed iterations and tolerances, every initial guess, warm restarts, and worker splits within the ranks.
 */
class DistributedSolveTest {
    /** N = 61 leaves a tail interval of F-points beyond the last C-point on every level. */
    private static final int[] STEPS = {64, 61};

    static Stream<Arguments> settings() {
        List<Arguments> a = new ArrayList<>();
        MgritOptions.Builder base = MgritOptions.builder().levels(3, 2).cfactor(2);
        a.add(Arguments.of("one level (serial pipeline)", MgritOptions.builder().levels(1, 1).build()));
        a.add(Arguments.of("two levels, F, fixed 3", MgritOptions.builder().levels(2, 2).cfactor(4)
                .fixedIterations(3, true).initialGuess(InitialGuess.ZERO).build()));
        a.add(Arguments.of("three levels, FCF, tolerance, sequential guess", base.cfSweeps(1).tolerance(1e-11, 30)
                .initialGuess(InitialGuess.SEQUENTIAL).build()));
        a.add(Arguments.of("four levels, F-cycle, weighted C, warm, unmeasured", MgritOptions.builder().levels(4, 2)
                .cfactor(2, 2).cfSweeps(0, 1).cWeight(1, 1.3).cycle(MgritOptions.Cycle.F).fixedIterations(2, false)
                .initialGuess(InitialGuess.WARM).build()));
        a.add(Arguments.of("three levels, skipped first down-cycle, warm", MgritOptions.builder().levels(3, 2)
                .cfactor(4, 2).skipFirstDown(true).fixedIterations(2, true).initialGuess(InitialGuess.WARM).build()));
        return a.stream();
    }

    /** What one rank saw: owned states and adjoints, residual norms, owned layers' gradients. */
    private record Seen(double[][] states, double[][] adjoints, double[] forwardNorms, double[] adjointNorms,
            double[][] gradient) {
    }

    /** Two forward + adjoint solves (the second from the first's states) on {@code ranks} ranks. */
    private static List<Seen> solve(int steps, MgritOptions options, int ranks, int workers, int batchWorkers) {
        return InProcessRanks.each(ranks, comm -> {
            try (TestChain chain = TestChain.resNet(steps, 3, 13); TensorArena arena = new TensorArena("gradient");
                    WorkerPool pool = new WorkerPool(workers);
                    ForwardSolver forward = new ForwardSolver(chain.propagator, TestChain.KERNELS, steps, chain.h,
                            Precision.F64, chain.width, chain.batch, options, pool, batchWorkers, comm);
                    AdjointSolver adjoint = new AdjointSolver(chain.propagator, TestChain.KERNELS, steps, chain.h,
                            Precision.F64, chain.width, chain.batch, options, pool, batchWorkers, comm)) {
                Parameters gradient = chain.model().newVector(arena);
                ((ResNetPropagator) chain.propagator).accumulateInto(gradient);
                Matrix lambdaN = arena.copyOf(chain.u0);
                double[] fNorms = null;
                double[] aNorms = null;
                for (int solve = 0; solve < 2; solve++) {
                    fNorms = forward.solve(chain.u0).residualNorms();
                    aNorms = adjoint.solve(forward, lambdaN).residualNorms();
                }
                double[][] states = new double[steps + 1][];
                double[][] adjoints = new double[steps + 1][];
                double[][] layers = new double[steps][];
                for (int n = 0; n <= steps; n++) {
                    states[n] = forward.owner(n) == comm.rank() ? forward.state(n).toArray() : null;
                    adjoints[n] = adjoint.adjointOwner(n) == comm.rank() ? adjoint.adjoint(n).toArray() : null;
                    if (n < steps) {
                        layers[n] = adjoint.gradientOwner(n) == comm.rank() ? gradient.layer(n).toArray() : null;
                    }
                }
                return new Seen(states, adjoints, fNorms, aNorms, layers);
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("settings")
    void everyRankCountGivesTheSameBits(String name, MgritOptions options) {
        for (int steps : STEPS) {
            Seen one = solve(steps, options, 1, 1, 1).getFirst();
            for (int ranks = 2; ranks <= 4; ranks++) {
                List<Seen> seen = solve(steps, options, ranks, 1, 1);
                compare(one, seen, steps, ranks + " ranks, N = " + steps);
            }
            compare(one, solve(steps, options, 3, 2, 1), steps, "3 ranks × 2 layer workers, N = " + steps);
            compare(one, solve(steps, options, 2, 2, 2), steps, "2 ranks × 2 batch workers, N = " + steps);
        }
    }

    private static void compare(Seen one, List<Seen> seen, int steps, String what) {
        int[] owners = new int[3];
        for (int n = 0; n <= steps; n++) {
            owners[0] = owners[1] = owners[2] = 0;
            for (Seen s : seen) {
                assertArrayEquals(one.forwardNorms(), s.forwardNorms(), what + ": forward residuals");
                assertArrayEquals(one.adjointNorms(), s.adjointNorms(), what + ": adjoint residuals");
                if (s.states()[n] != null) {
                    owners[0]++;
                    assertArrayEquals(one.states()[n], s.states()[n], what + ": u_" + n);
                }
                if (s.adjoints()[n] != null) {
                    owners[1]++;
                    assertArrayEquals(one.adjoints()[n], s.adjoints()[n], what + ": λ_" + n);
                }
                if (n < steps && s.gradient()[n] != null) {
                    owners[2]++;
                    assertArrayEquals(one.gradient()[n], s.gradient()[n], what + ": gradient of layer " + n);
                }
            }
            assertEquals(1, owners[0], what + ": owners of u_" + n);
            assertEquals(1, owners[1], what + ": owners of λ_" + n);
            assertEquals(n < steps ? 1 : 0, owners[2], what + ": owners of layer " + n);
        }
    }

    @Test
    void everyRankOwnsAContiguousBlockOnEveryLevel() {
        Hierarchy h = MgritOptions.builder().levels(3, 2).cfactor(4, 2).build().hierarchy(61, 1.0 / 61);
        int previousEnd = 0;
        for (int r = 0; r < 3; r++) {
            RankBlocks b = new RankBlocks(h, r, 3);
            assertEquals(previousEnd, b.firstPoint(0), "rank " + r + " starts where rank " + (r - 1) + " ended");
            assertTrue(b.endPoint(0) > b.firstPoint(0));
            for (int level = 0; level < h.levels() - 1; level++) {
                assertEquals(b.firstPoint(level), b.firstInterval(level) * h.cfactor(level));
                assertEquals(b.firstPoint(0), h.fineIndex(level, b.firstPoint(level)), "block edges line up");
            }
            previousEnd = b.endPoint(0);
        }
        assertEquals(61, previousEnd);
    }

    @Test
    void moreRanksThanCoarseStepsAreRefused() {
        Hierarchy h = MgritOptions.builder().levels(3, 2).cfactor(4).build().hierarchy(64, 1.0 / 64);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RankBlocks(h, 0, 5));
        assertTrue(e.getMessage().contains("5 ranks are more than the 4 steps of the coarsest level"), e.getMessage());
    }
}

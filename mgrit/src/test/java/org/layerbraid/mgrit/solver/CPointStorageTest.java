package org.layerbraid.mgrit.solver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.layerbraid.mgrit.nn.Parameters;
import org.layerbraid.mgrit.nn.ResNetPropagator;
import org.layerbraid.vecmath.Matrix;
import org.layerbraid.vecmath.Precision;
import org.layerbraid.vecmath.TensorArena;

/**
 * C-point storage against full storage on the ResNet chain: the kept forward states, the last state, the kept
 * adjoints and the gradient have the same bits, for one-shot (fixed, warm-restarted) and converged solves, 1–3
 * levels, c = 2 and 4, F and FCF (weighted too) on the layers, N = 64 and 61, 1 and 3 workers, one and several
 * batch tiles; and the solvers hold a fraction of the memory.
 */
class CPointStorageTest {
    private static final int BATCH = 20;

    /** What a pair of solves ends with: kept states, kept adjoints and the gradient, as bits. */
    private record Outcome(List<double[]> states, List<double[]> adjoints, double[] gradient, long forwardBytes,
            long adjointBytes) {
    }

    static Stream<Arguments> settings() {
        List<Arguments> all = new ArrayList<>();
        for (int levels = 1; levels <= 3; levels++) {
            for (int c : new int[] {2, 4}) {
                for (int sweeps = 0; sweeps <= 1; sweeps++) {
                    for (int steps : new int[] {64, 61}) {
                        all.add(Arguments.of(levels, c, sweeps, steps, levels == 2 ? 8 : 0));
                    }
                }
            }
        }
        return all.stream();
    }

    private static MgritOptions.Builder base(int levels, int c, int sweeps, int tile) {
        return MgritOptions.builder().levels(levels, 2).cfactor(c).cfSweeps(sweeps, 1).batchTile(tile)
                .initialGuess(InitialGuess.WARM);
    }

    /** Two warm-restarted one-shot evaluations (2 forward, 2 adjoint iterations each, residuals measured). */
    private static Outcome run(MgritOptions options, int steps, int workers) {
        try (TestChain chain = TestChain.resNet(steps, 3, BATCH); TensorArena arena = new TensorArena("gradient")) {
            ResNetPropagator p = (ResNetPropagator) chain.propagator;
            Parameters gradient = chain.model().newVector(arena);
            p.accumulateInto(gradient);
            Matrix lambdaN = arena.copyOf(chain.serial[steps]);
            try (ForwardSolver forward = chain.solver(options, workers);
                    AdjointSolver adjoint = new AdjointSolver(p, TestChain.KERNELS, steps, chain.h, Precision.F64,
                            chain.width, BATCH, options, workers)) {
                List<double[]> states = new ArrayList<>();
                List<double[]> adjoints = new ArrayList<>();
                for (int evaluation = 0; evaluation < 2; evaluation++) {
                    forward.solve(chain.u0);
                    adjoint.solve(forward, lambdaN);
                }
                for (int n = 0; n <= steps; n++) {
                    states.add(forward.stores(n) ? forward.state(n).toArray() : null);
                    adjoints.add(adjoint.stores(n) ? adjoint.adjoint(n).toArray() : null);
                }
                return new Outcome(states, adjoints, gradient.flat().toArray(), forward.bytesAllocated(),
                        adjoint.bytesAllocated());
            }
        }
    }

    private static void assertSameKept(Outcome all, Outcome kept, String what) {
        for (int n = 0; n < kept.states.size(); n++) {
            if (kept.states.get(n) != null) {
                assertArrayEquals(all.states.get(n), kept.states.get(n), what + ": state " + n);
            }
            if (kept.adjoints.get(n) != null) {
                assertArrayEquals(all.adjoints.get(n), kept.adjoints.get(n), what + ": adjoint " + n);
            }
        }
        assertArrayEquals(all.gradient, kept.gradient, what + ": gradient");
    }

    @ParameterizedTest(name = "{0} levels, c = {1}, {2} CF sweeps, N = {3}, tile {4}")
    @MethodSource("settings")
    void oneShotHasTheBitsOfFullStorage(int levels, int c, int sweeps, int steps, int tile) {
        MgritOptions all = base(levels, c, sweeps, tile).fixedIterations(2, true).build();
        MgritOptions kept = all.toBuilder().storage(Storage.C_POINTS).build();
        Outcome reference = run(all, steps, 1);
        for (int workers : new int[] {1, 3}) {
            Outcome o = run(kept, steps, workers);
            assertSameKept(reference, o, workers + " workers");
            assertTrue(o.states.get(steps) != null && o.adjoints.get(0) != null, "u_N and λ_0 are kept");
            assertEquals(steps / c + (steps % c == 0 ? 1 : 2), o.states.stream().filter(s -> s != null).count());
        }
    }

    @Test
    void convergedSolvesAndWeightedRelaxationHaveTheBitsOfFullStorage() {
        for (int steps : new int[] {64, 61}) {
            MgritOptions all = base(3, 4, 1, 0).cWeight(0.7, 1.0).tolerance(1e-12, 40).build();
            Outcome reference = run(all, steps, 2);
            assertSameKept(reference, run(all.toBuilder().storage(Storage.C_POINTS).build(), steps, 2),
                    "N = " + steps);
        }
        MgritOptions sequential = base(3, 4, 0, 0).initialGuess(InitialGuess.SEQUENTIAL).fixedIterations(1).build();
        assertSameKept(run(sequential, 61, 1), run(sequential.toBuilder().storage(Storage.C_POINTS).build(), 61, 2),
                "sequential guess");
    }

    @Test
    void solversHoldAFractionOfTheMemory() {
        MgritOptions all = base(3, 4, 0, 0).fixedIterations(1).build();
        Outcome full = run(all, 64, 2);
        Outcome kept = run(all.toBuilder().storage(Storage.C_POINTS).build(), 64, 2);
        long state;
        try (TensorArena one = new TensorArena("one state")) {
            one.matrix(Precision.F64, 4, BATCH);
            state = one.bytesAllocated();
        }
        // Forward: 65 states and 64 side products become 17 states (and a carry per worker only with FCF).
        assertEquals((65 + 64 - 17) * state, full.forwardBytes - kept.forwardBytes);
        // Adjoint: 65 λ's become 17, plus c states and c side products per worker recomputed.
        assertEquals((65 - 17 - 2 * 4 * 2) * state, full.adjointBytes - kept.adjointBytes);
        assertTrue(kept.forwardBytes < full.forwardBytes / 2, kept.forwardBytes + " of " + full.forwardBytes);
    }

    @Test
    void unkeptStatesAndUnsupportedCombinationsAreRefused() {
        IllegalArgumentException skip = assertThrows(IllegalArgumentException.class, () -> MgritOptions.builder()
                .storage(Storage.C_POINTS).skipFirstDown(true).build());
        assertEquals("skip-first-down reads stored F-points: it cannot be combined with C-point storage",
                skip.getMessage());
        MgritOptions kept = base(2, 4, 0, 0).fixedIterations(1).storage(Storage.C_POINTS).build();
        try (TestChain chain = TestChain.resNet(16, 3, BATCH); ForwardSolver forward = chain.solver(kept, 1)) {
            forward.solve(chain.u0);
            assertFalse(forward.stores(5));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> forward.state(5));
            assertEquals("state 5 is not kept: with C-point storage the solver keeps every 4th state and the last",
                    e.getMessage());
            assertThrows(IllegalStateException.class, () -> forward.sideProduct(4));
            IllegalArgumentException batch = assertThrows(IllegalArgumentException.class, () -> new AdjointSolver(
                    chain.propagator, TestChain.KERNELS, 16, chain.h, Precision.F64, chain.width, BATCH, kept, 1, 2));
            assertEquals("C-point storage adds the gradient in the final pass: it cannot be combined with 2 batch "
                    + "workers", batch.getMessage());
        }
        List<String> messages = InProcessRanks.each(2, ranks -> {
            try (TestChain chain = TestChain.resNet(16, 3, BATCH);
                    org.layerbraid.mgrit.exec.WorkerPool pool = new org.layerbraid.mgrit.exec.WorkerPool(1)) {
                return assertThrows(IllegalArgumentException.class, () -> new ForwardSolver(chain.propagator,
                        TestChain.KERNELS, 16, chain.h, Precision.F64, chain.width, BATCH, kept, pool, 1, ranks))
                        .getMessage();
            }
        });
        assertEquals(List.of("C-point storage runs in one process: it cannot be combined with 2 ranks"), messages
                .stream().distinct().toList());
    }
}

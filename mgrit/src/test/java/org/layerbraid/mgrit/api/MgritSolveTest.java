package org.layerbraid.mgrit.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.layerbraid.mgrit.nn.Initialization;
import org.layerbraid.mgrit.nn.NetworkConfig;
import org.layerbraid.mgrit.nn.ResNet;
import org.layerbraid.mgrit.nn.ResNetPropagator;
import org.layerbraid.mgrit.solver.MgritOptions;
import org.layerbraid.mgrit.solver.Propagator;
import org.layerbraid.mgrit.solver.SolveStatistics;
import org.layerbraid.vecmath.Activation;
import org.layerbraid.vecmath.Precision;
import org.layerbraid.vecmath.TensorArena;

class MgritSolveTest {
    /** u' = λu with forward Euler: u_{n+1} = (1 + λh) u_n, on every entry of the state. */
    private static final double LAMBDA = -2;
    private static final Step DECAY = (n, h, u, next) -> {
        for (int r = 0; r < u.rows(); r++) {
            for (int c = 0; c < u.cols(); c++) {
                next.set(r, c, u.get(r, c) * (1 + LAMBDA * h));
            }
        }
    };

    @Test
    void aForwardOnlyStepConvergesToTheSerialChainAndReportsEachIteration() {
        int steps = 256;
        double h = 4.0 / steps;
        List<Double> residuals = new ArrayList<>();
        try (LayerBraid lb = LayerBraid.builder().threads(2).build();
                MgritSolve solve = lb.mgrit(DECAY).steps(steps).stepSize(h).state(2, 3)
                        .options(MgritOptions.builder().levels(3, 2).cfactor(4).cfSweeps(0, 1)
                                .tolerance(1e-12, 50).build())
                        .onIteration((it, r) -> residuals.add(r)).build()) {
            SolveStatistics stats = solve.solve(1, 2, 3, -1, -2, -3);
            assertTrue(stats.converged());
            assertEquals(stats.residualNorms().length, residuals.size());
            for (int i = 0; i < residuals.size(); i++) {
                assertEquals(stats.residualNorms()[i], residuals.get(i));
            }
            double exact = Math.pow(1 + LAMBDA * h, steps);
            assertEquals(3 * exact, solve.state(steps).get(0, 2), 1e-10);
            assertEquals(-2 * exact, solve.state(steps).get(1, 1), 1e-10);
            assertThrows(IllegalArgumentException.class, () -> solve.solve(1, 2));
        }
    }

    @Test
    void solversBorrowTheRuntimePoolAndLeaveItRunning() {
        try (LayerBraid lb = LayerBraid.builder().threads(2).build()) {
            for (int round = 0; round < 2; round++) {
                try (MgritSolve solve = lb.mgrit(DECAY).steps(64).stepSize(1.0 / 64).build()) {
                    solve.solve(1);
                    assertEquals(Math.pow(1 + LAMBDA / 64, 64), solve.state(64).get(0, 0), 1e-9);
                }
            }
            assertEquals(2, lb.threads());
        }
    }

    @Test
    void theAdjointSolveRefusesAForwardOnlyStep() {
        try (LayerBraid lb = LayerBraid.builder().build()) {
            var builder = lb.mgrit(DECAY).steps(16).stepSize(0.1);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, builder::buildAdjoint);
            assertTrue(e.getMessage().contains("has only the forward step"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> lb.mgrit(DECAY).build());
        }
    }

    @Test
    void aLinearStepPassesEveryCheckIncludingLinearity() {
        try (LayerBraid lb = LayerBraid.builder().threads(2).build()) {
            PropagatorCheck check = PropagatorCheck.of(DECAY).steps(64).stepSize(4.0 / 64).state(3, 5).linear(true)
                    .run(lb);
            check.assertPassed();
            assertEquals(7, check.checks().size(), check.table());
        }
    }

    @Test
    void theResNetPropagatorPassesTheForwardAndAdjointChecks() {
        NetworkConfig c = new NetworkConfig(2, 5, 4, 32, 1.0, Activation.TANH, NetworkConfig.Opening.DENSE, false,
                0, 0, 0, Precision.F64);
        try (LayerBraid lb = LayerBraid.builder().threads(2).build(); ResNet net = new ResNet(c);
                TensorArena arena = new TensorArena("test")) {
            new Initialization(Initialization.Kind.NORMAL, 0.5, 0.5, 0.5).apply(net.parameters(), 3);
            ResNetPropagator p = ResNetPropagator.withThreadScratch(lb.kernels(), c, 6, arena);
            p.use(net.parameters());
            PropagatorCheck check = PropagatorCheck.of(p).steps(32).stepSize(c.h()).state(4, 6).run(lb);
            check.assertPassed();
            assertEquals(8, check.checks().size(), check.table());
            assertTrue(check.table().contains("adjoint, 1 level = serial backprop., bitwise"));
        }
    }

    @Test
    void aStepWithHiddenStateFailsTheChecks() {
        // Each call multiplies by a factor that changes from call to call: not a function of (n, h, u).
        double[] drift = {1};
        Propagator impure = (n, h, u, next, z, c0, c1) -> {
            drift[0] *= 1.0001;
            for (int c = c0; c < c1; c++) {
                next.set(0, c, u.get(0, c) * (1 - h) * drift[0]);
            }
        };
        try (LayerBraid lb = LayerBraid.builder().build()) {
            PropagatorCheck check = PropagatorCheck.of(impure).steps(32).stepSize(1.0 / 32).run(lb);
            assertFalse(check.passed(), check.table());
            AssertionError e = assertThrows(AssertionError.class, check::assertPassed);
            assertTrue(e.getMessage().contains("1 level = serial stepping, bitwise"), e.getMessage());
        }
    }
}

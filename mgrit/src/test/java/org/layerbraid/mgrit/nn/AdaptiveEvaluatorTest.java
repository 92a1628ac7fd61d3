package org.layerbraid.mgrit.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.layerbraid.mgrit.data.Peaks;
import org.layerbraid.mgrit.data.Split;
import org.layerbraid.mgrit.solver.InitialGuess;
import org.layerbraid.mgrit.solver.MgritOptions;
import org.layerbraid.vecmath.Activation;
import org.layerbraid.vecmath.Kernels;
import org.layerbraid.vecmath.Precision;
import org.layerbraid.vecmath.TensorArena;

/**
 * Adaptive control of the one-shot method: quiet on a problem one-shot handles, raising iterations and then
 * falling back to serial gradients on one where the coarse grids make MGRIT diverge.
 */
class AdaptiveEvaluatorTest {
    private static final Kernels KERNELS = Kernels.defaults();

    private static MgritOptions oneShot() {
        return MgritOptions.builder().levels(3, 2).cfactor(4).cfSweeps(0, 1).fixedIterations(2, true)
                .initialGuess(InitialGuess.WARM).build();
    }

    /** Runs {@code steps} gradient evaluations at fixed parameters; returns the decisions. */
    private static List<String> run(double finalTime, double weightScale, int steps, int cap) {
        NetworkConfig config = new NetworkConfig(2, 5, 8, 32, finalTime, Activation.TANH,
                NetworkConfig.Opening.DENSE, false, 0, 0, 0, Precision.F64);
        Split split = Peaks.generate(200, 10, 3);
        List<String> decisions = new ArrayList<>();
        try (TensorArena arena = new TensorArena("test"); ResNet model = new ResNet(config)) {
            new Initialization(Initialization.Kind.NORMAL, weightScale, weightScale, weightScale)
                    .apply(model.parameters(), 11);
            Batch batch = new Batch(split.train().toMatrix(arena, Precision.F64), split.train().labels());
            Parameters g = model.newVector(arena);
            try (AdaptiveEvaluator adaptive = new AdaptiveEvaluator(KERNELS,
                    new LayerParallelEvaluator(KERNELS, config, batch, oneShot(), oneShot(), 2),
                    new SerialEvaluator(KERNELS, config, batch), model.newVector(arena),
                    new AdaptiveEvaluator.Policy(2, 0.5, 5, cap), decisions::add);
                    SerialEvaluator reference = new SerialEvaluator(KERNELS, config, batch)) {
                Parameters exact = model.newVector(arena);
                reference.lossAndGradient(model.parameters(), exact);
                for (int s = 0; s < steps; s++) {
                    int before = decisions.size();
                    double loss = adaptive.lossAndGradient(model.parameters(), g);
                    assertTrue(Double.isFinite(loss), "step " + s + ": " + decisions);
                    if (decisions.subList(before, decisions.size()).stream().anyMatch(d -> d.contains("serial"))) {
                        // A serial step gives exactly the serial gradient.
                        assertArrayEquals(exact.flat().toArray(), g.flat().toArray(), "step " + s);
                    }
                }
            }
        }
        return decisions;
    }

    @Test
    void staysQuietWhereOneShotConverges() {
        List<String> decisions = run(1.0, 0.3, 6, 4);
        assertEquals(List.of(), decisions);
    }

    @Test
    void raisesIterationsAndThenStepsSeriallyWhereMgritDiverges() {
        // T = 20 over 32 layers with weights of order 3: coarse steps of 2.5 amplify, so MGRIT diverges.
        List<String> decisions = run(20.0, 3.0, 6, 4);
        assertTrue(decisions.stream().anyMatch(d -> d.contains("iterations 2/2 → 3/3")), decisions.toString());
        assertTrue(decisions.stream().anyMatch(d -> d.contains("serial gradient")), decisions.toString());
    }

    @Test
    void badPoliciesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new AdaptiveEvaluator.Policy(0, 0.5, 5, 4));
        assertThrows(IllegalArgumentException.class, () -> new AdaptiveEvaluator.Policy(1, Double.NaN, 5, 4));
        assertThrows(IllegalArgumentException.class, () -> new AdaptiveEvaluator.Policy(1, 0.5, 90, 4));
        assertThrows(IllegalArgumentException.class, () -> new AdaptiveEvaluator.Policy(1, 0.5, 5, 0));
    }
}

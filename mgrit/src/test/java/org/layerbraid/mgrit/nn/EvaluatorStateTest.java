package org.layerbraid.mgrit.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerbraid.mgrit.io.SafeTensors;
import org.layerbraid.mgrit.solver.InitialGuess;
import org.layerbraid.mgrit.solver.MgritOptions;
import org.layerbraid.vecmath.Activation;
import org.layerbraid.vecmath.Kernels;
import org.layerbraid.vecmath.Matrix;
import org.layerbraid.vecmath.Precision;
import org.layerbraid.vecmath.TensorArena;

/**
 * The evaluators' own state: the loss of a network worked out by hand, the residuals they report, the warm-start
 * states a checkpoint carries (a restored evaluator continues bit for bit), and the adaptive evaluator's policy.
 */
class EvaluatorStateTest {
    private static final Kernels KERNELS = Kernels.defaults();
    @TempDir
    Path dir;

    private static NetworkConfig config(NetworkConfig.Opening opening) {
        return new NetworkConfig(2, 3, 4, 16, 1.0, Activation.TANH, opening, false, 0, 0, 0, Precision.F64);
    }

    private static MgritOptions oneShot() {
        return MgritOptions.builder().levels(3, 2).cfactor(4).cfSweeps(0, 1).fixedIterations(1, true)
                .initialGuess(InitialGuess.WARM).build();
    }

    private static Batch batch(TensorArena arena, NetworkConfig config) {
        return GradientTest.randomBatch(arena, config, 6, 9);
    }

    @Test
    void aNetworkThatKeepsItsInputHasTheLossWorkedOutByHand() {
        // Zero-padded opening, zero layers (u_N = u_0 = (y, 0, 0)), classifier W = [[1, 0, ..], [0, 1, ..], 0], μ = 0:
        // logits (y₁, y₂, 0), loss = mean of log(e^{y₁} + e^{y₂} + 1) − logit of the label.
        NetworkConfig config = config(NetworkConfig.Opening.ZERO_PAD);
        try (TensorArena arena = new TensorArena("test"); ResNet model = new ResNet(config)) {
            Batch batch = batch(arena, config);
            Parameters p = model.parameters();
            p.classifierWeights().set(0, 0, 1);
            p.classifierWeights().set(1, 1, 1);
            double expected = 0;
            for (int i = 0; i < 6; i++) {
                double[] logits = {batch.inputs().get(0, i), batch.inputs().get(1, i), 0};
                double sum = Math.exp(logits[0]) + Math.exp(logits[1]) + Math.exp(logits[2]);
                expected += (Math.log(sum) - logits[batch.labels()[i]]) / 6;
            }
            try (SerialEvaluator serial = new SerialEvaluator(KERNELS, config, batch);
                    LayerParallelEvaluator parallel = new LayerParallelEvaluator(KERNELS, config, batch, oneShot(),
                            oneShot(), 1)) {
                assertEquals(expected, serial.loss(p), 1e-14);
                assertEquals(expected, parallel.loss(p), 1e-14);
                assertEquals(expected, parallel.lossAndGradient(p, model.newVector(arena)), 1e-14);
            }
        }
    }

    @Test
    void residualsAreTheLastSolvesFinalNorms() {
        NetworkConfig config = config(NetworkConfig.Opening.DENSE);
        try (TensorArena arena = new TensorArena("test"); ResNet model = new ResNet(config)) {
            new Initialization(Initialization.Kind.NORMAL, 1, 1, 1).apply(model.parameters(), 2);
            try (LayerParallelEvaluator e = new LayerParallelEvaluator(KERNELS, config, batch(arena, config),
                    oneShot(), oneShot(), 1)) {
                assertEquals(Double.NaN, e.stateResidual(), "nothing solved yet");
                assertEquals(Double.NaN, e.adjointResidual());
                e.lossAndGradient(model.parameters(), model.newVector(arena));
                assertEquals(e.forwardStatistics().finalResidual(), e.stateResidual());
                assertEquals(e.adjointStatistics().finalResidual(), e.adjointResidual());
                assertTrue(e.stateResidual() > 0 && e.adjointResidual() > 0, e.stateResidual() + " " + e.adjointResidual());
            }
        }
    }

    /** A checkpoint of a one-shot evaluator carries its warm start: the restored one gives the same next bits. */
    @Test
    void aRestoredEvaluatorContinuesBitwise() throws IOException {
        NetworkConfig config = config(NetworkConfig.Opening.DENSE);
        for (boolean withGradient : new boolean[] {false, true}) {
            Path file = dir.resolve("warm" + withGradient + ".safetensors");
            try (TensorArena arena = new TensorArena("test"); ResNet model = new ResNet(config)) {
                new Initialization(Initialization.Kind.NORMAL, 1, 1, 1).apply(model.parameters(), 4);
                Batch batch = batch(arena, config);
                Parameters p = model.parameters();
                Parameters g1 = model.newVector(arena);
                Parameters g2 = model.newVector(arena);
                try (LayerParallelEvaluator first = new LayerParallelEvaluator(KERNELS, config, batch, oneShot(),
                        oneShot(), 1);
                        LayerParallelEvaluator second = new LayerParallelEvaluator(KERNELS, config, batch, oneShot(),
                                oneShot(), 1)) {
                    SafeTensors.Writer nothing = SafeTensors.writer();
                    first.save(nothing);
                    nothing.write(file);
                    assertEquals(List.of(), SafeTensors.read(file).names(), "nothing solved, nothing saved");
                    second.restore(SafeTensors.read(file));
                    if (withGradient) {
                        first.lossAndGradient(p, g1);
                    } else {
                        first.loss(p);
                    }
                    first.iterations(2, 3);
                    SafeTensors.Writer w = SafeTensors.writer();
                    first.save(w);
                    w.write(file);
                    second.restore(SafeTensors.read(file));
                    assertEquals(2, second.forwardIterations());
                    assertEquals(3, second.adjointIterations());
                    double a = first.lossAndGradient(p, g1);
                    double b = second.lossAndGradient(p, g2);
                    assertEquals(a, b);
                    assertArrayEquals(g1.flat().toArray(), g2.flat().toArray(), "with gradient " + withGradient);
                    assertEquals(first.forwardStatistics(), second.forwardStatistics());
                    assertEquals(first.adjointStatistics(), second.adjointStatistics());
                }
            }
        }
    }

    @Test
    void theAdaptivePolicyIsCheckedAtItsBoundaries() {
        assertThrows(IllegalArgumentException.class, () -> new AdaptiveEvaluator.Policy(0, 0.5, 5, 4));
        assertThrows(IllegalArgumentException.class, () -> new AdaptiveEvaluator.Policy(1, 0, 5, 4));
        assertThrows(IllegalArgumentException.class,
                () -> new AdaptiveEvaluator.Policy(1, Double.POSITIVE_INFINITY, 5, 4));
        assertThrows(IllegalArgumentException.class, () -> new AdaptiveEvaluator.Policy(1, 0.5, 0, 4));
        assertThrows(IllegalArgumentException.class, () -> new AdaptiveEvaluator.Policy(1, 0.5, 90, 4));
        assertThrows(IllegalArgumentException.class, () -> new AdaptiveEvaluator.Policy(1, 0.5, 5, 0));
        new AdaptiveEvaluator.Policy(1, Double.MIN_VALUE, Double.MIN_VALUE, 1);
        new AdaptiveEvaluator.Policy(1, 0.5, Math.nextDown(90.0), 1);
    }

    /**
     * On a network one-shot handles, the adaptive evaluator is the one-shot evaluator: the same loss, gradient,
     * residuals and correct count; its checkpoint carries the evaluation count, so a restored one checks the angle
     * at the same steps.
     */
    @Test
    void whereOneShotWorksTheAdaptiveEvaluatorIsOneShot() throws IOException {
        NetworkConfig config = config(NetworkConfig.Opening.DENSE);
        Path file = dir.resolve("adaptive.safetensors");
        try (TensorArena arena = new TensorArena("test"); ResNet model = new ResNet(config)) {
            new Initialization(Initialization.Kind.NORMAL, 0.3, 0.3, 0.3).apply(model.parameters(), 6);
            Batch batch = batch(arena, config);
            Parameters p = model.parameters();
            Parameters g1 = model.newVector(arena);
            Parameters g2 = model.newVector(arena);
            List<String> decisions = new ArrayList<>();
            AdaptiveEvaluator.Policy policy = new AdaptiveEvaluator.Policy(3, 10, 89, 4);
            try (LayerParallelEvaluator plain = new LayerParallelEvaluator(KERNELS, config, batch, oneShot(), oneShot(),
                    1);
                    AdaptiveEvaluator adaptive = new AdaptiveEvaluator(KERNELS,
                            new LayerParallelEvaluator(KERNELS, config, batch, oneShot(), oneShot(), 1),
                            new SerialEvaluator(KERNELS, config, batch), model.newVector(arena), policy,
                            decisions::add)) {
                for (int step = 0; step < 2; step++) {
                    assertEquals(plain.lossAndGradient(p, g1), adaptive.lossAndGradient(p, g2));
                    assertArrayEquals(g1.flat().toArray(), g2.flat().toArray());
                    assertEquals(plain.correct(), adaptive.correct());
                    assertEquals(plain.stateResidual(), adaptive.stateResidual());
                    assertEquals(plain.adjointResidual(), adaptive.adjointResidual());
                    assertEquals(plain.loss(p), adaptive.loss(p));
                }
                assertArrayEquals(new int[] {1, 1}, adaptive.iterations());
                assertEquals(List.of(), decisions);
                SafeTensors.Writer w = SafeTensors.writer();
                adaptive.save(w);
                w.write(file);
                assertEquals(2, SafeTensors.read(file).longs("adaptive.evaluations")[0]);
            }
            try (AdaptiveEvaluator restored = new AdaptiveEvaluator(KERNELS,
                    new LayerParallelEvaluator(KERNELS, config, batch, oneShot(), oneShot(), 1),
                    new SerialEvaluator(KERNELS, config, batch), model.newVector(arena), policy, decisions::add)) {
                restored.restore(SafeTensors.read(file));
                SafeTensors.Writer w = SafeTensors.writer();
                restored.save(w);
                Path again = dir.resolve("again.safetensors");
                w.write(again);
                assertEquals(2, SafeTensors.read(again).longs("adaptive.evaluations")[0]);
                assertNotEquals(0, restored.lossAndGradient(p, g2));
            }
        }
    }
}

package org.layerbraid.mgrit.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerbraid.mgrit.data.Peaks;
import org.layerbraid.mgrit.data.Split;
import org.layerbraid.mgrit.io.SafeTensors;
import org.layerbraid.mgrit.solver.InitialGuess;
import org.layerbraid.mgrit.solver.MgritOptions;
import org.layerbraid.mgrit.train.FullBatchTrainer;
import org.layerbraid.mgrit.train.HistoryRow;
import org.layerbraid.mgrit.train.Lbfgs;
import org.layerbraid.mgrit.train.LineSearch;
import org.layerbraid.mgrit.train.NetworkObjective;
import org.layerbraid.vecmath.Activation;
import org.layerbraid.vecmath.Kernels;
import org.layerbraid.vecmath.Precision;
import org.layerbraid.vecmath.TensorArena;

/**
 * The layer-parallel methods against exact serial propagation on a small Peaks network: converged MGRIT gives the
 * serial loss and gradient within the tolerance at every step, and the same optimisation trajectory; one-shot
 * with enough iterations is the converged method; the worker count changes no bit.
 */
class LayerParallelEvaluatorTest {
    private static final Kernels KERNELS = Kernels.defaults();
    private static final int LAYERS = 48;
    private static final int EXAMPLES = 300;

    private static NetworkConfig config() {
        return new NetworkConfig(2, 5, 8, LAYERS, 1.0, Activation.SMOOTH_RELU, NetworkConfig.Opening.DENSE, true,
                1e-7, 1e-5, 1e-7, Precision.F64);
    }

    private static MgritOptions converged() {
        return MgritOptions.builder().levels(4, 2).cfactor(4).cfSweeps(0, 1).tolerance(1e-12, 60)
                .initialGuess(InitialGuess.WARM).build();
    }

    private static MgritOptions oneShot(int iterations) {
        return MgritOptions.builder().levels(4, 2).cfactor(4).cfSweeps(0, 1).fixedIterations(iterations, true)
                .initialGuess(InitialGuess.WARM).build();
    }

    /** Runs {@code iterations} L-BFGS steps with the evaluator the factory makes; returns the history. */
    private static HistoryRow[] train(java.util.function.Function<Batch, Evaluator> factory, int iterations) {
        NetworkConfig config = config();
        Split split = Peaks.generate(EXAMPLES, 10, 3);
        try (TensorArena arena = new TensorArena("test"); ResNet model = new ResNet(config)) {
            new Initialization(Initialization.Kind.NORMAL, 0.3, 0.3, 0.3).apply(model.parameters(), 5);
            Batch batch = new Batch(split.train().toMatrix(arena, Precision.F64), split.train().labels());
            HistoryRow[] rows = new HistoryRow[iterations];
            try (Evaluator evaluator = factory.apply(batch);
                    FullBatchTrainer trainer = new FullBatchTrainer(KERNELS,
                            new NetworkObjective(model.layout(), evaluator, new Regularization(KERNELS, config, arena)),
                            model.flat(), new Lbfgs(KERNELS, 10, Precision.F64, model.layout().size(), arena),
                            new LineSearch(KERNELS, 1, 0.5, 1e-4, 20), 0, EXAMPLES)) {
                trainer.run(iterations, x -> Double.NaN, (row, t) -> rows[row.iteration()] = row);
            }
            return rows;
        }
    }

    @Test
    void convergedMethodFollowsTheSerialTrajectory() {
        HistoryRow[] serial = train(b -> new SerialEvaluator(KERNELS, config(), b), 8);
        HistoryRow[] parallel = train(b -> new LayerParallelEvaluator(KERNELS, config(), b, converged(), converged(),
                2), 8);
        for (int i = 0; i < serial.length; i++) {
            double scale = Math.abs(serial[i].objective());
            assertEquals(serial[i].objective(), parallel[i].objective(), 1e-9 * scale, "objective at step " + i);
            assertEquals(serial[i].gradientNorm(), parallel[i].gradientNorm(), 1e-7 * serial[i].gradientNorm(),
                    "gradient norm at step " + i);
            assertEquals(serial[i].trainAccuracy(), parallel[i].trainAccuracy(), "accuracy at step " + i);
            assertTrue(parallel[i].stateResidual() <= 1e-12 && parallel[i].adjointResidual() <= 1e-12,
                    "residuals at step " + i + ": " + parallel[i]);
        }
    }

    @Test
    void convergedGradientEqualsSerialWithinTheTolerance() {
        NetworkConfig config = config();
        Split split = Peaks.generate(EXAMPLES, 10, 3);
        try (TensorArena arena = new TensorArena("test"); ResNet model = new ResNet(config)) {
            new Initialization(Initialization.Kind.NORMAL, 0.5, 0.5, 0.5).apply(model.parameters(), 7);
            Batch batch = new Batch(split.train().toMatrix(arena, Precision.F64), split.train().labels());
            Parameters gs = model.newVector(arena);
            Parameters gp = model.newVector(arena);
            try (SerialEvaluator serial = new SerialEvaluator(KERNELS, config, batch);
                    LayerParallelEvaluator parallel = new LayerParallelEvaluator(KERNELS, config, batch, converged(),
                            converged(), 2)) {
                double ls = serial.lossAndGradient(model.parameters(), gs);
                double lp = parallel.lossAndGradient(model.parameters(), gp);
                assertEquals(ls, lp, 1e-12 * Math.abs(ls));
                double[] a = gs.flat().toArray();
                double[] b = gp.flat().toArray();
                double scale = 0;
                double diff = 0;
                for (int i = 0; i < a.length; i++) {
                    scale = Math.max(scale, Math.abs(a[i]));
                    diff = Math.max(diff, Math.abs(a[i] - b[i]));
                }
                assertTrue(diff <= 1e-9 * scale, "gradient differs by " + diff + " of " + scale);
                assertTrue(parallel.forwardStatistics().converged() && parallel.adjointStatistics().converged());
                assertEquals(serial.correct(), parallel.correct());
            }
        }
    }

    @Test
    void oneShotWithEnoughIterationsIsTheConvergedMethod() {
        HistoryRow[] parallel = train(b -> new LayerParallelEvaluator(KERNELS, config(), b, converged(), converged(),
                1), 6);
        HistoryRow[] oneShot = train(b -> new LayerParallelEvaluator(KERNELS, config(), b, oneShot(25), oneShot(25),
                1), 6);
        for (int i = 0; i < parallel.length; i++) {
            double scale = Math.abs(parallel[i].objective());
            assertEquals(parallel[i].objective(), oneShot[i].objective(), 1e-9 * scale, "objective at step " + i);
        }
    }

    @Test
    void oneShotIsBitwiseTheSameOnAnyNumberOfWorkers() {
        HistoryRow[] one = train(b -> new LayerParallelEvaluator(KERNELS, config(), b, oneShot(2), oneShot(2), 1), 6);
        for (int workers : new int[] {2, 3}) {
            HistoryRow[] many = train(b -> new LayerParallelEvaluator(KERNELS, config(), b, oneShot(2), oneShot(2),
                    workers), 6);
            for (int i = 0; i < one.length; i++) {
                assertArrayEquals(values(one[i]), values(many[i]), workers + " workers, step " + i);
            }
        }
    }

    /** A row without its wall time. */
    private static double[] values(HistoryRow r) {
        return new double[] {r.stateResidual(), r.adjointResidual(), r.objective(), r.loss(), r.gradientNorm(),
            r.step(), r.lineSearchIterations(), r.trainAccuracy()};
    }

    @Test
    void aCheckpointWrittenRightAfterARestoreHoldsTheWarmStatesItWasGiven(@TempDir Path dir) throws IOException {
        NetworkConfig config = config();
        Split split = Peaks.generate(EXAMPLES, 10, 3);
        try (TensorArena arena = new TensorArena("test"); ResNet model = new ResNet(config)) {
            new Initialization(Initialization.Kind.NORMAL, 0.3, 0.3, 0.3).apply(model.parameters(), 5);
            Batch batch = new Batch(split.train().toMatrix(arena, Precision.F64), split.train().labels());
            Path first = dir.resolve("first.safetensors");
            Path second = dir.resolve("second.safetensors");
            try (LayerParallelEvaluator solved = new LayerParallelEvaluator(KERNELS, config, batch, oneShot(2),
                    oneShot(2), 1)) {
                solved.lossAndGradient(model.parameters(), model.newVector(arena));
                SafeTensors.Writer w = SafeTensors.writer();
                solved.save(w);
                w.write(first);
            }
            try (LayerParallelEvaluator restored = new LayerParallelEvaluator(KERNELS, config, batch, oneShot(2),
                    oneShot(2), 1)) {
                restored.restore(SafeTensors.read(first));
                SafeTensors.Writer w = SafeTensors.writer();
                restored.save(w);
                w.write(second);
            }
            assertArrayEquals(Files.readAllBytes(first), Files.readAllBytes(second),
                    "saved again without a solve: the same states, bit for bit");
        }
    }
}

package org.layerbraid.mgrit.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerbraid.mgrit.data.Peaks;
import org.layerbraid.mgrit.data.Split;
import org.layerbraid.mgrit.io.SafeTensors;
import org.layerbraid.mgrit.solver.InitialGuess;
import org.layerbraid.mgrit.solver.MgritOptions;
import org.layerbraid.mgrit.solver.Storage;
import org.layerbraid.mgrit.train.FullBatchTrainer;
import org.layerbraid.mgrit.train.Lbfgs;
import org.layerbraid.mgrit.train.LineSearch;
import org.layerbraid.mgrit.train.NetworkObjective;
import org.layerbraid.vecmath.Activation;
import org.layerbraid.vecmath.Kernels;
import org.layerbraid.vecmath.Matrix;
import org.layerbraid.vecmath.Precision;
import org.layerbraid.vecmath.TensorArena;

/**
 * Layer-parallel training with C-point storage: one-shot and converged L-BFGS runs have the history and parameters
 * of full storage bit for bit (N = 40 and an odd 37, 1 and 2 workers), with less solver memory; a checkpoint holds
 * the kept states only, and a warm start restored from it continues with the same bits.
 */
class CPointTrainingTest {
    private static final Kernels KERNELS = Kernels.defaults();
    private static final int EXAMPLES = 200;

    private static NetworkConfig config(int layers) {
        return new NetworkConfig(2, 5, 8, layers, 1.0, Activation.SMOOTH_RELU, NetworkConfig.Opening.DENSE, true,
                1e-7, 1e-5, 1e-7, Precision.F64);
    }

    private static MgritOptions oneShot() {
        return MgritOptions.builder().levels(3, 2).cfactor(4, 2).cfSweeps(0, 1).fixedIterations(2, true)
                .initialGuess(InitialGuess.WARM).build();
    }

    private static MgritOptions converged() {
        return MgritOptions.builder().levels(3, 2).cfactor(4).cfSweeps(1).tolerance(1e-11, 40)
                .initialGuess(InitialGuess.WARM).build();
    }

    private record Outcome(List<double[]> rows, double[] parameters, long solverBytes) {
    }

    private static Outcome train(int layers, MgritOptions options, int workers) {
        NetworkConfig config = config(layers);
        Split split = Peaks.generate(EXAMPLES, 10, 3);
        try (TensorArena arena = new TensorArena("test"); ResNet model = new ResNet(config)) {
            new Initialization(Initialization.Kind.NORMAL, 0.3, 0.3, 0.3).apply(model.parameters(), 5);
            Batch batch = new Batch(split.train().toMatrix(arena, Precision.F64), split.train().labels());
            List<double[]> rows = new ArrayList<>();
            try (LayerParallelEvaluator evaluator = new LayerParallelEvaluator(KERNELS, config, batch, options,
                    options, workers);
                    FullBatchTrainer trainer = new FullBatchTrainer(KERNELS,
                            new NetworkObjective(model.layout(), evaluator, new Regularization(KERNELS, config, arena)),
                            model.flat(), new Lbfgs(KERNELS, 5, Precision.F64, model.layout().size(), arena),
                            new LineSearch(KERNELS, 1, 0.5, 1e-4, 20), 0, EXAMPLES)) {
                trainer.run(4, x -> Double.NaN, (r, t) -> rows.add(new double[] {r.objective(), r.loss(),
                    r.gradientNorm(), r.stateResidual(), r.adjointResidual(), r.step(), r.trainAccuracy()}));
                return new Outcome(rows, model.flat().toArray(), evaluator.solverBytes());
            }
        }
    }

    @Test
    void trainingHasTheBitsOfFullStorage() {
        for (MgritOptions options : new MgritOptions[] {oneShot(), converged()}) {
            for (int layers : new int[] {40, 37}) {
                Outcome all = train(layers, options, 1);
                for (int workers = 1; workers <= 2; workers++) {
                    String what = options + ", N = " + layers + ", " + workers + " workers";
                    Outcome kept = train(layers, options.toBuilder().storage(Storage.C_POINTS).build(), workers);
                    for (int i = 0; i < all.rows.size(); i++) {
                        assertArrayEquals(all.rows.get(i), kept.rows.get(i), what + ", iteration " + i);
                    }
                    assertArrayEquals(all.parameters, kept.parameters, what + ": parameters");
                    assertTrue(kept.solverBytes < all.solverBytes * 0.7, what + ": " + kept.solverBytes + " of "
                            + all.solverBytes + " bytes");
                }
            }
        }
    }

    @Test
    void aCheckpointHoldsTheKeptStatesAndRestoresTheWarmStart(@TempDir Path dir) throws IOException {
        int layers = 37;
        NetworkConfig config = config(layers);
        MgritOptions options = oneShot().toBuilder().storage(Storage.C_POINTS).build();
        Split split = Peaks.generate(EXAMPLES, 10, 3);
        try (TensorArena arena = new TensorArena("test"); ResNet model = new ResNet(config)) {
            new Initialization(Initialization.Kind.NORMAL, 0.3, 0.3, 0.3).apply(model.parameters(), 5);
            Batch batch = new Batch(split.train().toMatrix(arena, Precision.F64), split.train().labels());
            Parameters gradient = model.newVector(arena);
            Path file = dir.resolve("checkpoint.safetensors");
            double[] continued;
            try (LayerParallelEvaluator first = new LayerParallelEvaluator(KERNELS, config, batch, options, options,
                    2)) {
                first.lossAndGradient(model.parameters(), gradient);
                SafeTensors.Writer w = SafeTensors.writer();
                first.save(w);
                w.write(file);
                first.lossAndGradient(model.parameters(), gradient);
                continued = gradient.flat().toArray();
            }
            List<String> names = SafeTensors.read(file).names();
            assertTrue(names.contains("mgrit.state.36") && names.contains("mgrit.state.37"));
            assertFalse(names.contains("mgrit.state.35"), "F-point states are not saved");
            assertTrue(names.contains("mgrit.adjoint.0") && names.contains("mgrit.adjoint.1"));
            assertFalse(names.contains("mgrit.adjoint.2"), "F-point adjoints are not saved");
            try (LayerParallelEvaluator second = new LayerParallelEvaluator(KERNELS, config, batch, options, options,
                    1)) {
                second.restore(SafeTensors.read(file));
                Matrix g = gradient.flat();
                KERNELS.fill(g, 0);
                second.lossAndGradient(model.parameters(), gradient);
                assertArrayEquals(continued, g.toArray(), "gradient after the restored warm start");
            }
            assertEquals(2 * (37 / 4 + 2) + 1, SafeTensors.read(file).names().size());
        }
    }
}

package org.layerbraid.mgrit.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.layerbraid.mgrit.data.Peaks;
import org.layerbraid.mgrit.data.Split;
import org.layerbraid.mgrit.exec.WorkerPool;
import org.layerbraid.mgrit.io.SafeTensors;
import org.layerbraid.mgrit.solver.Communicator;
import org.layerbraid.mgrit.solver.InProcessRanks;
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
 * One-shot and converged layer-parallel training distributed over 2, 3 and 4 ranks (threads with an in-process
 * communicator), each rank with 1 or 2 workers: every rank's history and final parameters have the same bits as
 * one rank's, and a checkpoint written on any rank count holds the same MGRIT states.
 */
class DistributedEvaluatorTest {
    private static final Kernels KERNELS = Kernels.defaults();
    private static final int LAYERS = 40;
    private static final int EXAMPLES = 200;

    private static NetworkConfig config() {
        return new NetworkConfig(2, 5, 8, LAYERS, 1.0, Activation.SMOOTH_RELU, NetworkConfig.Opening.DENSE, true,
                1e-7, 1e-5, 1e-7, Precision.F64);
    }

    private static MgritOptions oneShot() {
        return MgritOptions.builder().levels(3, 2).cfactor(4, 2).cfSweeps(0, 1).fixedIterations(2, true)
                .initialGuess(InitialGuess.WARM).build();
    }

    private static MgritOptions converged() {
        return MgritOptions.builder().levels(3, 2).cfactor(2).tolerance(1e-11, 40).initialGuess(InitialGuess.WARM)
                .build();
    }

    /** What one rank ends with: the history's values, the parameters, and the checkpointed MGRIT states. */
    private record Outcome(List<double[]> rows, double[] parameters, List<double[]> checkpoint) {
    }

    private static Outcome train(Communicator ranks, MgritOptions options, int workers, int iterations) {
        NetworkConfig config = config();
        Split split = Peaks.generate(EXAMPLES, 10, 3);
        try (TensorArena arena = new TensorArena("test"); ResNet model = new ResNet(config);
                WorkerPool pool = new WorkerPool(workers)) {
            new Initialization(Initialization.Kind.NORMAL, 0.3, 0.3, 0.3).apply(model.parameters(), 5);
            Batch batch = new Batch(split.train().toMatrix(arena, Precision.F64), split.train().labels());
            List<double[]> rows = new ArrayList<>();
            List<double[]> states = new ArrayList<>();
            try (LayerParallelEvaluator evaluator = new LayerParallelEvaluator(KERNELS, config, batch, options, options,
                    pool, 1, ranks);
                    FullBatchTrainer trainer = new FullBatchTrainer(KERNELS,
                            new NetworkObjective(model.layout(), evaluator, new Regularization(KERNELS, config, arena)),
                            model.flat(), new Lbfgs(KERNELS, 5, Precision.F64, model.layout().size(), arena),
                            new LineSearch(KERNELS, 1, 0.5, 1e-4, 20), 0, EXAMPLES)) {
                trainer.run(iterations, x -> Double.NaN, (r, t) -> rows.add(new double[] {r.objective(), r.loss(),
                    r.gradientNorm(), r.stateResidual(), r.adjointResidual(), r.step(), r.trainAccuracy()}));
                SafeTensors.Writer w = SafeTensors.writer();
                evaluator.save(w);
                Path file = Files.createTempFile("checkpoint", ".safetensors");
                try {
                    w.write(file);
                    SafeTensors read = SafeTensors.read(file);
                    for (int n = 0; n <= LAYERS; n++) {
                        states.add(read.doubles("mgrit.state." + n));
                        states.add(read.doubles("mgrit.adjoint." + n));
                    }
                } finally {
                    Files.delete(file);
                }
            }
            return new Outcome(rows, model.flat().toArray(), states);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sameOnEveryRankCount(MgritOptions options, int iterations) {
        Outcome one = train(Communicator.single(), options, 1, iterations);
        assertEquals(iterations, one.rows().size());
        for (int ranks = 2; ranks <= 4; ranks++) {
            for (int workers = 1; workers <= 2; workers++) {
                String what = ranks + " ranks × " + workers + " workers";
                int w = workers;
                for (Outcome o : InProcessRanks.each(ranks, c -> train(c, options, w, iterations))) {
                    for (int i = 0; i < iterations; i++) {
                        assertArrayEquals(one.rows().get(i), o.rows().get(i), what + ", iteration " + i);
                    }
                    assertArrayEquals(one.parameters(), o.parameters(), what + ": parameters");
                    for (int i = 0; i < one.checkpoint().size(); i++) {
                        assertArrayEquals(one.checkpoint().get(i), o.checkpoint().get(i), what + ": checkpoint " + i);
                    }
                }
            }
        }
    }

    @Test
    void oneShotTrainingIsBitwiseTheSameOnAnyNumberOfRanks() {
        sameOnEveryRankCount(oneShot(), 5);
    }

    @Test
    void convergedTrainingIsBitwiseTheSameOnAnyNumberOfRanks() {
        sameOnEveryRankCount(converged(), 3);
    }
}

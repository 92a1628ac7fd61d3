package org.layerbraid.mgrit.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.layerbraid.mgrit.io.SafeTensors;
import org.layerbraid.vecmath.Kernels;
import org.layerbraid.vecmath.Matrix;
import org.layerbraid.vecmath.Precision;
import org.layerbraid.vecmath.TensorArena;

/**
 * Minibatch SGD with momentum and Adam, step by step against the update rules written out in plain arithmetic,
 * on f(x) = ½ Σ a_i (x_i − c_i)² (which ignores the batch); the epochs' batches (a shuffle of the examples, the
 * remainder left out) and the history rows.
 */
class MinibatchTrainerTest {
    private static final double[] A = {1, 2, 3};
    private static final double[] C = {1, -1, 0.5};
    private static final int EXAMPLES = 5;
    private static final int BATCH = 2;
    private final Kernels kernels = Kernels.defaults();
    @TempDir
    Path folder;

    /** The quadratic; every evaluation is recorded, and reports loss f/2, one correct example and fixed residuals. */
    private static class Quadratic implements Objective {
        final List<Double> values = new ArrayList<>();
        final List<Double> gradientNorms = new ArrayList<>();

        @Override
        public double value(Matrix x) {
            double f = 0;
            for (int i = 0; i < A.length; i++) {
                double d = x.get(0, i) - C[i];
                f += 0.5 * A[i] * d * d;
            }
            return f;
        }

        @Override
        public double valueAndGradient(Matrix x, Matrix gradient) {
            double squares = 0;
            for (int i = 0; i < A.length; i++) {
                double g = A[i] * (x.get(0, i) - C[i]);
                gradient.set(0, i, g);
                squares += g * g;
            }
            double f = value(x);
            values.add(f);
            gradientNorms.add(Math.sqrt(squares));
            return f;
        }

        @Override
        public double lastLoss() {
            return values.getLast() / 2;
        }

        @Override
        public int lastCorrect() {
            return 1;
        }

        @Override
        public double lastStateResidual() {
            return 0.25 * values.size();
        }

        @Override
        public double lastAdjointResidual() {
            return 0.125 * values.size();
        }
    }

    private static MinibatchTrainer.Settings sgd(long seed) {
        return new MinibatchTrainer.Settings(MinibatchTrainer.Method.SGD, 0.1, 0.9, 0.9, 0.999, 1e-8, BATCH, seed);
    }

    private static MinibatchTrainer.Settings adam() {
        return new MinibatchTrainer.Settings(MinibatchTrainer.Method.ADAM, 0.05, 0, 0.8, 0.9, 1e-3, BATCH, 3);
    }

    @Test
    void sgdWithMomentumFollowsItsUpdateRule() {
        try (TensorArena arena = new TensorArena("test")) {
            Matrix x = arena.vector(Precision.F64, 3);
            train(x, sgd(1), 2, new Quadratic(), (b, from, count) -> { }, new ArrayList<>());
            double[] expected = new double[3];
            double[] v = new double[3];
            for (int step = 0; step < 4; step++) {
                for (int i = 0; i < 3; i++) {
                    v[i] = 0.9 * v[i] - 0.1 * A[i] * (expected[i] - C[i]);
                    expected[i] += v[i];
                }
            }
            assertArrayEquals(expected, x.toArray(), 1e-15);
        }
    }

    @Test
    void adamFollowsItsUpdateRuleInBothPrecisions() {
        for (Precision precision : Precision.values()) {
            try (TensorArena arena = new TensorArena("test")) {
                Matrix x = arena.vector(precision, 3);
                train(x, adam(), 2, new Quadratic(), (b, from, count) -> { }, new ArrayList<>());
                double[] expected = new double[3];
                double[] m = new double[3];
                double[] v = new double[3];
                for (int t = 1; t <= 4; t++) {
                    for (int i = 0; i < 3; i++) {
                        double g = A[i] * (expected[i] - C[i]);
                        m[i] = 0.8 * m[i] + 0.2 * g;
                        v[i] = 0.9 * v[i] + 0.1 * g * g;
                        double mHat = m[i] / (1 - Math.pow(0.8, t));
                        double vHat = v[i] / (1 - Math.pow(0.9, t));
                        expected[i] -= 0.05 * mHat / (Math.sqrt(vHat) + 1e-3);
                    }
                }
                assertArrayEquals(expected, x.toArray(), precision == Precision.F64 ? 1e-15 : 1e-6, precision.label());
                assertNotEquals(0, x.get(0, 0));
            }
        }
    }

    @Test
    void eachEpochLoadsAShuffleOfTheExamplesWithoutTheRemainder() {
        List<int[]> batches = new ArrayList<>();
        try (TensorArena arena = new TensorArena("test")) {
            train(arena.vector(Precision.F64, 3), sgd(1), 3, new Quadratic(), recorder(batches), new ArrayList<>());
        }
        assertEquals(3 * (EXAMPLES / BATCH), batches.size());
        List<List<Integer>> epochs = new ArrayList<>();
        for (int e = 0; e < 3; e++) {
            int[] seen = new int[2 * BATCH];
            System.arraycopy(batches.get(2 * e), 0, seen, 0, BATCH);
            System.arraycopy(batches.get(2 * e + 1), 0, seen, BATCH, BATCH);
            assertEquals(4, Arrays.stream(seen).distinct().count(), "epoch " + e + ": " + Arrays.toString(seen));
            assertTrue(Arrays.stream(seen).allMatch(i -> i >= 0 && i < EXAMPLES), Arrays.toString(seen));
            epochs.add(Arrays.stream(seen).boxed().toList());
        }
        assertTrue(new HashSet<>(epochs).size() > 1, "the order changes between epochs: " + epochs);
        List<int[]> again = new ArrayList<>();
        List<int[]> otherSeed = new ArrayList<>();
        try (TensorArena arena = new TensorArena("test")) {
            train(arena.vector(Precision.F64, 3), sgd(1), 3, new Quadratic(), recorder(again), new ArrayList<>());
            train(arena.vector(Precision.F64, 3), sgd(2), 3, new Quadratic(), recorder(otherSeed), new ArrayList<>());
        }
        assertArrayEquals(batches.toArray(), again.toArray(), "the same seed gives the same batches");
        assertTrue(!Arrays.deepEquals(batches.toArray(), otherSeed.toArray()), "another seed, other batches");
    }

    @Test
    void historyRowsAreMeansOverTheEpochsBatches() {
        Quadratic f = new Quadratic();
        List<HistoryRow> rows = new ArrayList<>();
        try (TensorArena arena = new TensorArena("test")) {
            train(arena.vector(Precision.F64, 3), sgd(1), 2, f, (b, from, count) -> { }, rows);
        }
        assertEquals(2, rows.size());
        for (int e = 0; e < 2; e++) {
            HistoryRow row = rows.get(e);
            double mean = (f.values.get(2 * e) + f.values.get(2 * e + 1)) / 2;
            assertEquals(e, row.iteration());
            assertEquals(mean, row.objective(), 1e-15);
            assertEquals(mean / 2, row.loss(), 1e-15);
            assertEquals(f.gradientNorms.get(2 * e + 1), row.gradientNorm(), 1e-15, "the last batch's gradient");
            assertEquals(0.25 * (2 * e + 2), row.stateResidual(), "the last batch's residuals");
            assertEquals(0.125 * (2 * e + 2), row.adjointResidual());
            assertEquals(0.1, row.step(), "the learning rate");
            assertEquals(0, row.lineSearchIterations());
            assertEquals(50.0, row.trainAccuracy(), "one of each batch's two examples");
            assertEquals(42.0, row.validationAccuracy());
            assertTrue(row.seconds() >= 0 && row.seconds() < 3600, "seconds " + row.seconds());
        }
    }

    @Test
    void aRestoredCheckpointContinuesBitwise() throws IOException {
        Path file = folder.resolve("checkpoint.safetensors");
        try (TensorArena arena = new TensorArena("test")) {
            for (MinibatchTrainer.Settings settings : List.of(sgd(4), adam())) {
                Matrix straight = arena.vector(Precision.F64, 3);
                train(straight, settings, 3, new Quadratic(), (b, from, count) -> { }, new ArrayList<>());
                Matrix resumed = arena.vector(Precision.F64, 3);
                Matrix saved = arena.vector(Precision.F64, 3);
                try (MinibatchTrainer trainer = new MinibatchTrainer(kernels, new Quadratic(), (b, from, count) -> { },
                        resumed, settings, EXAMPLES)) {
                    trainer.run(1, x -> 42, (row, t) -> { });
                    SafeTensors.Writer w = SafeTensors.writer();
                    trainer.save(w);
                    w.write(file);
                    kernels.copy(resumed, saved);
                }
                List<HistoryRow> rows = new ArrayList<>();
                try (MinibatchTrainer trainer = new MinibatchTrainer(kernels, new Quadratic(), (b, from, count) -> { },
                        saved, settings, EXAMPLES)) {
                    trainer.restore(SafeTensors.read(file), 1000);
                    assertEquals(1, trainer.epoch());
                    trainer.run(3, x -> 42, (row, t) -> rows.add(row));
                    assertEquals(3, trainer.epoch());
                }
                assertArrayEquals(straight.toArray(), saved.toArray(), settings.method().toString());
                assertEquals(List.of(1, 2), rows.stream().map(HistoryRow::iteration).toList());
                assertTrue(rows.getFirst().seconds() >= 1000, "earlier time counts: " + rows.getFirst().seconds());
            }
        }
    }

    @Test
    void aNonFiniteObjectiveOrGradientStopsTrainingNamingEpochAndBatch() {
        for (boolean badGradient : new boolean[] {false, true}) {
            Objective broken = new Quadratic() {
                @Override
                public double valueAndGradient(Matrix x, Matrix gradient) {
                    double f = super.valueAndGradient(x, gradient);
                    if (values.size() < 2) {
                        return f;
                    }
                    gradient.set(0, 1, badGradient ? Double.POSITIVE_INFINITY : 1);
                    return badGradient ? f : Double.NaN;
                }
            };
            try (TensorArena arena = new TensorArena("test");
                    MinibatchTrainer trainer = new MinibatchTrainer(kernels, broken, (b, from, count) -> { },
                            arena.vector(Precision.F64, 3), sgd(1), EXAMPLES)) {
                String message = assertThrows(DivergedException.class,
                        () -> trainer.run(2, x -> 42, (row, t) -> { })).getMessage();
                assertTrue(message.contains("in epoch 0, batch 1"), message);
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"0, 0.5, 0.5, 0.5, 1e-8, 1", "NaN, 0.5, 0.5, 0.5, 1e-8, 1", "0.1, -0.1, 0.5, 0.5, 1e-8, 1",
        "0.1, 1, 0.5, 0.5, 1e-8, 1", "0.1, 0.5, -0.1, 0.5, 1e-8, 1", "0.1, 0.5, 1, 0.5, 1e-8, 1",
        "0.1, 0.5, 0.5, -0.1, 1e-8, 1", "0.1, 0.5, 0.5, 1, 1e-8, 1", "0.1, 0.5, 0.5, 0.5, 0, 1",
        "0.1, 0.5, 0.5, 0.5, 1e-8, 0"})
    void settingsOutOfRangeAreRefused(double lr, double momentum, double beta1, double beta2, double epsilon,
            int batch) {
        String message = assertThrows(IllegalArgumentException.class, () -> new MinibatchTrainer.Settings(
                MinibatchTrainer.Method.ADAM, lr, momentum, beta1, beta2, epsilon, batch, 1)).getMessage();
        assertTrue(message.startsWith("minibatch settings out of range"), message);
    }

    @Test
    void settingsAtTheEdgesOfTheRangeAreAccepted() {
        assertDoesNotThrow(() -> new MinibatchTrainer.Settings(MinibatchTrainer.Method.SGD, Double.MIN_VALUE, 0, 0, 0,
                Double.MIN_VALUE, 1, 1));
        double below1 = Math.nextDown(1.0);
        assertDoesNotThrow(() -> new MinibatchTrainer.Settings(MinibatchTrainer.Method.SGD, 1, below1, below1, below1,
                1, 1, 1));
    }

    @Test
    void closingFreesTheOptimiserState() {
        try (TensorArena arena = new TensorArena("test")) {
            MinibatchTrainer trainer = new MinibatchTrainer(kernels, new Quadratic(), (b, from, count) -> { },
                    arena.vector(Precision.F64, 3), sgd(1), EXAMPLES);
            trainer.close();
            assertThrows(IllegalStateException.class, () -> trainer.save(SafeTensors.writer()));
        }
    }

    private void train(Matrix x, MinibatchTrainer.Settings settings, int epochs, Objective f,
            MinibatchTrainer.BatchLoader loader, List<HistoryRow> rows) {
        try (MinibatchTrainer trainer = new MinibatchTrainer(kernels, f, loader, x, settings, EXAMPLES)) {
            trainer.run(epochs, v -> 42, (row, t) -> rows.add(row));
            assertEquals(epochs, trainer.epoch());
        }
    }

    private static MinibatchTrainer.BatchLoader recorder(List<int[]> batches) {
        return (indices, from, count) -> batches.add(Arrays.copyOfRange(indices, from, from + count));
    }
}

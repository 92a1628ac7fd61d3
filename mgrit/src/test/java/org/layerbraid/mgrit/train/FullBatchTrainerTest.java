package org.layerbraid.mgrit.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerbraid.mgrit.io.SafeTensors;
import org.layerbraid.vecmath.Kernels;
import org.layerbraid.vecmath.Matrix;
import org.layerbraid.vecmath.Precision;
import org.layerbraid.vecmath.TensorArena;

/**
 * What one full-batch iteration does, on f(x) = ½ Σ a_i (x_i − c_i)² in two dimensions: the stopping test at its
 * boundary, the restart from steepest descent when the L-BFGS memory gives no descent direction, the pair it
 * stores, the history row, resuming, and the closed trainer.
 */
class FullBatchTrainerTest {
    private final Kernels kernels = Kernels.defaults();
    @TempDir
    Path folder;

    /** ½ Σ a_i (x_i − c_i)²; counts its gradient evaluations; reports 3 correct examples. */
    private static final class Quadratic implements Objective {
        final double[] a;
        final double[] c;
        int gradients;
        int gradientsAfterValue;

        Quadratic(double[] a, double[] c) {
            this.a = a;
            this.c = c;
        }

        @Override
        public double value(Matrix x) {
            double f = 0;
            for (int i = 0; i < a.length; i++) {
                double d = x.get(0, i) - c[i];
                f += 0.5 * a[i] * d * d;
            }
            return f;
        }

        @Override
        public double valueAndGradient(Matrix x, Matrix gradient) {
            gradients++;
            for (int i = 0; i < a.length; i++) {
                gradient.set(0, i, a[i] * (x.get(0, i) - c[i]));
            }
            return value(x);
        }

        @Override
        public double valueAndGradientAfterValue(Matrix x, Matrix gradient) {
            gradientsAfterValue++;
            return valueAndGradient(x, gradient);
        }

        @Override
        public int lastCorrect() {
            return 3;
        }
    }

    private List<HistoryRow> run(Quadratic f, Matrix x, Lbfgs lbfgs, LineSearch search, double gtol, int iterations) {
        List<HistoryRow> rows = new ArrayList<>();
        try (FullBatchTrainer trainer = new FullBatchTrainer(kernels, f, x, lbfgs, search, gtol, 4)) {
            trainer.run(iterations, v -> 12.5, (row, t) -> rows.add(row));
        }
        return rows;
    }

    @Test
    void aGradientNormEqualToTheToleranceDoesNotStop() {
        // At x = 0 the gradient is (−3, 0): norm 3.
        try (TensorArena arena = new TensorArena("test")) {
            Quadratic f = new Quadratic(new double[] {1, 1}, new double[] {3, 0});
            List<HistoryRow> rows = run(f, arena.vector(Precision.F64, 2), null, LineSearch.reference(kernels, 5), 3, 1);
            assertEquals(1, rows.size());
            assertEquals(1, rows.getFirst().step(), "a step was taken");
            List<HistoryRow> stopped = run(f, arena.vector(Precision.F64, 2), null, LineSearch.reference(kernels, 5),
                    Math.nextUp(3.0), 5);
            assertEquals(1, stopped.size());
            assertEquals(0, stopped.getFirst().step(), "stopped without a step");
            assertEquals(3, stopped.getFirst().gradientNorm());
        }
    }

    @Test
    void eachStepContinuesTheLineSearchsLastValue() {
        try (TensorArena arena = new TensorArena("test")) {
            Quadratic f = new Quadratic(new double[] {1, 2}, new double[] {3, 4});
            run(f, arena.vector(Precision.F64, 2), null, LineSearch.reference(kernels, 5), 0, 3);
            assertEquals(4, f.gradients, "the starting point and one per iteration");
            assertEquals(3, f.gradientsAfterValue, "every iteration's continues the line search's value");
        }
    }

    @Test
    void theHistoryRowDescribesTheIteration() {
        try (TensorArena arena = new TensorArena("test")) {
            Quadratic f = new Quadratic(new double[] {1, 1}, new double[] {3, 4});
            HistoryRow row = run(f, arena.vector(Precision.F64, 2), null, LineSearch.reference(kernels, 5), 0, 1)
                    .getFirst();
            assertEquals(0, row.iteration());
            assertEquals(12.5, row.objective(), "f at the start of the iteration");
            assertEquals(5, row.gradientNorm());
            assertEquals(75.0, row.trainAccuracy(), "3 of 4 examples");
            assertEquals(12.5, row.validationAccuracy());
            assertEquals(1, row.step());
            assertEquals(0, row.lineSearchIterations());
            assertEquals(0, row.stateResidual());
        }
    }

    @Test
    void gradientDescentAtAStationaryPointStaysThere() {
        try (TensorArena arena = new TensorArena("test")) {
            Quadratic f = new Quadratic(new double[] {1, 1}, new double[] {0, 0});
            Matrix x = arena.vector(Precision.F64, 2);
            List<HistoryRow> rows = run(f, x, null, LineSearch.reference(kernels, 5), 0, 2);
            assertEquals(2, rows.size());
            assertArrayEquals(new double[] {0, 0}, x.toArray());
        }
    }

    @Test
    void aMemoryGivingNoDescentRestartsFromSteepestDescent() throws IOException {
        // A crafted pair with negative ρ (s = e₁, y = −e₁, ρ = −½) makes the recursion return (g₁, 2g₂): uphill.
        Path file = folder.resolve("memory.safetensors");
        SafeTensors.writer().add("lbfgs.s.0", new double[] {1, 0}).add("lbfgs.y.0", new double[] {-1, 0})
                .add("lbfgs.s.1", new double[] {0, 0}).add("lbfgs.y.1", new double[] {0, 0})
                .add("lbfgs.rho", new double[] {-0.5, 0}).add("lbfgs.state", new long[] {2, 1, 0}).write(file);
        try (TensorArena arena = new TensorArena("test")) {
            Lbfgs lbfgs = new Lbfgs(kernels, 2, Precision.F64, 2, arena);
            lbfgs.restore(SafeTensors.read(file));
            Quadratic f = new Quadratic(new double[] {1, 1}, new double[] {0.1, 0.2});
            Matrix x = arena.vector(Precision.F64, 2);
            // From step 2, c₁ = 0.4: along −g step 2 fails Armijo, step 1 (the minimum) meets it.
            HistoryRow row = run(f, x, lbfgs, new LineSearch(kernels, 2, 0.5, 0.4, 20), 0, 1).getFirst();
            assertEquals(1, row.step());
            assertArrayEquals(new double[] {0.1, 0.2}, x.toArray(), 1e-15);
            assertEquals(1, memoryPairs(lbfgs), "the bad pair is forgotten, the new one kept");
        }
    }

    @Test
    void aZeroLbfgsDirectionAlsoRestarts() {
        try (TensorArena arena = new TensorArena("test")) {
            Lbfgs lbfgs = new Lbfgs(kernels, 2, Precision.F64, 2, arena);
            Matrix s = arena.vector(Precision.F64, 2);
            s.set(0, 0, 1);
            lbfgs.update(s, s);
            Quadratic f = new Quadratic(new double[] {1, 1}, new double[] {0, 0});
            run(f, arena.vector(Precision.F64, 2), lbfgs, LineSearch.reference(kernels, 5), 0, 1);
            assertEquals(0, memoryPairs(lbfgs), "reset, and the zero step is not a pair");
        }
    }

    @Test
    void theStoredPairIsTheStepTakenAndTheGradientChange() {
        try (TensorArena arena = new TensorArena("test")) {
            // a = (1, 100): step 1 along −g overshoots in x₂, so the line search halves.
            Quadratic f = new Quadratic(new double[] {1, 100}, new double[] {1, 1});
            Lbfgs lbfgs = new Lbfgs(kernels, 3, Precision.F64, 2, arena);
            Matrix x = arena.vector(Precision.F64, 2);
            HistoryRow row = run(f, x, lbfgs, LineSearch.reference(kernels, 20), 0, 1).getFirst();
            assertTrue(row.lineSearchIterations() > 0, row.toString());
            double[] step = {row.step() * 1, row.step() * 100};
            assertArrayEquals(step, x.toArray(), 1e-15, "x₁ = x₀ − α g₀ with g₀ = (−1, −100)");
            double[] pair = snapshot(lbfgs, "lbfgs.s.0");
            assertArrayEquals(step, pair, 1e-15);
            double[] y = snapshot(lbfgs, "lbfgs.y.0");
            assertArrayEquals(new double[] {step[0], 100 * step[1]}, y, 1e-12);
        }
    }

    @Test
    void resumingWithAnEvaluationUsesItInsteadOfEvaluatingAgain() {
        try (TensorArena arena = new TensorArena("test")) {
            Quadratic f = new Quadratic(new double[] {1, 1}, new double[] {3, 4});
            Matrix x = arena.vector(Precision.F64, 2);
            Matrix gradient = arena.vector(Precision.F64, 2);
            gradient.copyFrom(new double[] {-3, -4});
            List<HistoryRow> rows = new ArrayList<>();
            Lbfgs lbfgs = new Lbfgs(kernels, 2, Precision.F64, 2, arena);
            try (FullBatchTrainer trainer = new FullBatchTrainer(kernels, f, x, lbfgs,
                    LineSearch.reference(kernels, 5), 0, 4)) {
                assertSame(lbfgs, trainer.lbfgs());
                trainer.resumeAt(7, 100, new FullBatchTrainer.Evaluation(12.5, 0.75, 2, 0.5, 0.25), gradient);
                trainer.run(8, v -> 0, (row, t) -> rows.add(row));
                assertEquals(1, f.gradients, "only at the new point");
                assertEquals(8, trainer.iteration());
                assertEquals(new FullBatchTrainer.Evaluation(0, Double.NaN, 3, 0, 0), trainer.currentEvaluation());
                assertArrayEquals(new double[] {0, 0}, trainer.currentGradient().toArray());
            }
            HistoryRow row = rows.getFirst();
            assertEquals(7, row.iteration());
            assertEquals(12.5, row.objective());
            assertEquals(0.75, row.loss());
            assertEquals(50.0, row.trainAccuracy());
            assertEquals(0.5, row.stateResidual());
            assertEquals(0.25, row.adjointResidual());
            assertTrue(row.seconds() >= 100 && row.seconds() < 3700, "earlier time counts: " + row.seconds());
        }
    }

    @Test
    void closingFreesTheWorkVectors() {
        try (TensorArena arena = new TensorArena("test")) {
            FullBatchTrainer trainer = new FullBatchTrainer(kernels, new Quadratic(new double[] {1}, new double[] {1}),
                    arena.vector(Precision.F64, 1), null, LineSearch.reference(kernels, 5), 0, 1);
            trainer.close();
            assertThrows(IllegalStateException.class, () -> trainer.currentGradient().get(0, 0));
        }
    }

    private double[] snapshot(Lbfgs lbfgs, String name) {
        try {
            Path file = folder.resolve(name + ".safetensors");
            SafeTensors.Writer w = SafeTensors.writer();
            lbfgs.save(w);
            w.write(file);
            return SafeTensors.read(file).doubles(name);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private int memoryPairs(Lbfgs lbfgs) {
        try {
            Path file = folder.resolve("state.safetensors");
            SafeTensors.Writer w = SafeTensors.writer();
            lbfgs.save(w);
            w.write(file);
            return (int) SafeTensors.read(file).longs("lbfgs.state")[1];
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

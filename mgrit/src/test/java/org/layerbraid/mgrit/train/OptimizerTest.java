package org.layerbraid.mgrit.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.layerbraid.vecmath.Kernels;
import org.layerbraid.vecmath.Matrix;
import org.layerbraid.vecmath.Precision;
import org.layerbraid.vecmath.TensorArena;

/** The optimisers on problems with known minimisers. */
class OptimizerTest {
    private final Kernels kernels = Kernels.defaults();

    /** f(x) = ½ Σ a_i (x_i − c_i)², a_i from 1 to 100 (condition number 100). */
    private static final class Quadratic implements Objective {
        final int n;

        Quadratic(int n) {
            this.n = n;
        }

        double a(int i) {
            return 1 + 99.0 * i / (n - 1);
        }

        double c(int i) {
            return Math.sin(i + 1);
        }

        @Override
        public double value(Matrix x) {
            double f = 0;
            for (int i = 0; i < n; i++) {
                double d = x.get(0, i) - c(i);
                f += 0.5 * a(i) * d * d;
            }
            return f;
        }

        @Override
        public double valueAndGradient(Matrix x, Matrix gradient) {
            for (int i = 0; i < n; i++) {
                gradient.set(0, i, a(i) * (x.get(0, i) - c(i)));
            }
            return value(x);
        }
    }

    private List<HistoryRow> minimise(boolean useLbfgs, int iterations, Matrix x, TensorArena arena) {
        Quadratic f = new Quadratic(x.cols());
        Lbfgs lbfgs = useLbfgs ? new Lbfgs(kernels, 10, Precision.F64, x.cols(), arena) : null;
        List<HistoryRow> rows = new ArrayList<>();
        try (FullBatchTrainer trainer = new FullBatchTrainer(kernels, f, x, lbfgs, LineSearch.reference(kernels, 20),
                1e-10, 1)) {
            trainer.run(iterations, v -> Double.NaN, (row, t) -> rows.add(row));
        }
        return rows;
    }

    @Test
    void lbfgsConvergesOnAConvexQuadratic() {
        try (TensorArena arena = new TensorArena("test")) {
            Matrix x = arena.vector(Precision.F64, 50);
            List<HistoryRow> rows = minimise(true, 200, x, arena);
            HistoryRow last = rows.getLast();
            assertTrue(last.gradientNorm() < 1e-10, "stopped on gtol, gradient norm " + last.gradientNorm());
            assertTrue(rows.size() < 100, "L-BFGS needed " + rows.size() + " iterations");
            for (int i = 0; i < 50; i++) {
                assertEquals(Math.sin(i + 1), x.get(0, i), 1e-9);
            }
            for (int k = 1; k < rows.size(); k++) {
                assertTrue(rows.get(k).objective() <= rows.get(k - 1).objective(), "monotone decrease at " + k);
            }
        }
    }

    @Test
    void gradientDescentIsSlowerOnTheSameProblem() {
        try (TensorArena arena = new TensorArena("test")) {
            List<HistoryRow> gd = minimise(false, 100, arena.vector(Precision.F64, 50), arena);
            List<HistoryRow> lbfgs = minimise(true, 100, arena.vector(Precision.F64, 50), arena);
            assertTrue(gd.getLast().objective() > 1e3 * lbfgs.getLast().objective(),
                    "gradient descent " + gd.getLast().objective() + " vs L-BFGS " + lbfgs.getLast().objective());
            assertTrue(gd.getLast().objective() < gd.getFirst().objective(), "gradient descent still descends");
        }
    }

    @Test
    void lineSearchHalvesUntilArmijoHolds() {
        try (TensorArena arena = new TensorArena("test")) {
            Quadratic f = new Quadratic(2);
            Matrix x = arena.vector(Precision.F64, 2);
            Matrix g = arena.vector(Precision.F64, 2);
            Matrix d = arena.vector(Precision.F64, 2);
            Matrix trial = arena.vector(Precision.F64, 2);
            double fx = f.valueAndGradient(x, g);
            kernels.copy(g, d);
            kernels.scale(-1, d); // steepest descent: a = 100 in one direction makes step 1 far too long
            LineSearch.Result r = LineSearch.reference(kernels, 20).search(f, x, fx, -kernels.dot(g, g), d, trial);
            assertTrue(r.sufficientDecrease());
            assertTrue(r.iterations() >= 5, "needed " + r.iterations() + " halvings");
            assertEquals(Math.pow(0.5, r.iterations()), r.step());
            assertTrue(r.value() < fx);
        }
    }

    @Test
    void aNonFiniteObjectiveStopsTraining() {
        Objective broken = new Objective() {
            @Override
            public double value(Matrix x) {
                return Double.NaN;
            }

            @Override
            public double valueAndGradient(Matrix x, Matrix gradient) {
                return Double.NaN;
            }
        };
        try (TensorArena arena = new TensorArena("test");
                FullBatchTrainer trainer = new FullBatchTrainer(kernels, broken, arena.vector(Precision.F64, 3), null,
                        LineSearch.reference(kernels, 5), 1e-6, 1)) {
            DivergedException e = assertThrows(DivergedException.class,
                    () -> trainer.run(10, v -> Double.NaN, (row, t) -> { }));
            assertTrue(e.getMessage().contains("iteration 0"), e.getMessage());
        }
    }

    /**
     * What the listener sees is what the next iteration starts from: a snapshot of x and the L-BFGS memory taken
     * inside the listener (as a periodic checkpoint is) resumes to bitwise the uninterrupted run.
     */
    @Test
    void aSnapshotTakenByTheListenerResumesBitwise() throws java.io.IOException {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("lbfgs", ".safetensors");
        try (TensorArena arena = new TensorArena("test")) {
            Quadratic f = new Quadratic(40);
            Matrix straight = arena.vector(Precision.F64, 40);
            Matrix snapshot = arena.vector(Precision.F64, 40);
            Lbfgs memory = new Lbfgs(kernels, 5, Precision.F64, 40, arena);
            try (FullBatchTrainer trainer = new FullBatchTrainer(kernels, f, straight, memory,
                    LineSearch.reference(kernels, 20), 0, 1)) {
                trainer.run(12, v -> Double.NaN, (row, t) -> {
                    if (t.iteration() == 5) {
                        kernels.copy(straight, snapshot);
                        var w = org.layerbraid.mgrit.io.SafeTensors.writer();
                        memory.save(w);
                        try {
                            w.write(file);
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }
                });
            }
            Lbfgs restored = new Lbfgs(kernels, 5, Precision.F64, 40, arena);
            restored.restore(org.layerbraid.mgrit.io.SafeTensors.read(file));
            try (FullBatchTrainer trainer = new FullBatchTrainer(kernels, f, snapshot, restored,
                    LineSearch.reference(kernels, 20), 0, 1)) {
                trainer.resumeAt(5, 0);
                trainer.run(12, v -> Double.NaN, (row, t) -> { });
            }
            assertArrayEquals(straight.toArray(), snapshot.toArray());
        } finally {
            java.nio.file.Files.deleteIfExists(file);
        }
    }
}

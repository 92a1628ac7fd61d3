package org.layerbraid.mgrit.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
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
 * L-BFGS directions against the inverse-Hessian approximation built as a dense matrix from the textbook update
 * {@code H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ} over the kept pairs, oldest first, from
 * {@code H₀ = (sᵀy / yᵀy)·I} of the newest pair (Nocedal and Wright, eq. 7.19 and 6.17): an independent derivation
 * of what the two-loop recursion computes.
 */
class LbfgsTest {
    private static final int N = 4;
    private final Kernels kernels = Kernels.defaults();
    @TempDir
    Path folder;

    @ParameterizedTest(name = "memory {0}, {1} pairs")
    @CsvSource({"3, 1", "3, 2", "3, 3", "3, 5", "1, 3", "2, 4"})
    void directionIsMinusTheBfgsMatrixOfTheNewestPairsTimesTheGradient(int memory, int pairs) {
        SplittableRandom random = new SplittableRandom(memory * 31L + pairs);
        double[][] s = new double[pairs][];
        double[][] y = new double[pairs][];
        try (TensorArena arena = new TensorArena("test")) {
            Lbfgs lbfgs = new Lbfgs(kernels, memory, Precision.F64, N, arena);
            for (int k = 0; k < pairs; k++) {
                s[k] = randomVector(random);
                y[k] = curvedBy(s[k], random);
                assertTrue(lbfgs.update(vector(arena, s[k]), vector(arena, y[k])), "pair " + k);
            }
            double[] g = randomVector(random);
            Matrix out = arena.vector(Precision.F64, N);
            lbfgs.direction(vector(arena, g), out);
            double[][] h = inverseHessian(s, y, Math.max(0, pairs - memory));
            for (int i = 0; i < N; i++) {
                double expected = 0;
                for (int j = 0; j < N; j++) {
                    expected -= h[i][j] * g[j];
                }
                assertEquals(expected, out.get(0, i), 1e-12 * (1 + Math.abs(expected)), "component " + i);
            }
        }
    }

    @Test
    void withoutPairsOrAfterResetTheDirectionIsSteepestDescent() {
        try (TensorArena arena = new TensorArena("test")) {
            Lbfgs lbfgs = new Lbfgs(kernels, 2, Precision.F64, N, arena);
            Matrix g = vector(arena, new double[] {1, -2, 3, 0.5});
            Matrix out = arena.vector(Precision.F64, N);
            lbfgs.direction(g, out);
            assertArrayEquals(new double[] {-1, 2, -3, -0.5}, out);
            lbfgs.update(vector(arena, new double[] {1, 0, 0, 0}), vector(arena, new double[] {2, 0, 0, 0}));
            lbfgs.reset();
            lbfgs.direction(g, out);
            assertArrayEquals(new double[] {-1, 2, -3, -0.5}, out);
        }
    }

    @Test
    void pairsWithoutPositiveCurvatureAreSkipped() {
        try (TensorArena arena = new TensorArena("test")) {
            Lbfgs lbfgs = new Lbfgs(kernels, 1, Precision.F64, N, arena);
            Matrix zero = arena.vector(Precision.F64, N);
            Matrix e1 = vector(arena, new double[] {1, 0, 0, 0});
            Matrix minusE1 = vector(arena, new double[] {-1, 0, 0, 0});
            assertFalse(lbfgs.update(zero, e1), "a zero step: sᵀy = 0 = the threshold");
            assertFalse(lbfgs.update(e1, minusE1), "negative curvature");
            assertFalse(lbfgs.update(e1, vector(arena, new double[] {0, 1, 0, 0})), "orthogonal: sᵀy = 0");
            Matrix g = vector(arena, new double[] {1, 1, 1, 1});
            Matrix out = arena.vector(Precision.F64, N);
            lbfgs.direction(g, out);
            assertArrayEquals(new double[] {-1, -1, -1, -1}, out);
            assertTrue(lbfgs.update(e1, vector(arena, new double[] {4, 0, 0, 0})));
            lbfgs.direction(g, out);
            // H = (I − ρ s yᵀ)(γ I)(I − ρ y sᵀ) + ρ s sᵀ with s = e1, y = 4 e1, ρ = γ = 1/4: diag(1/4, 1/4, 1/4, 1/4).
            assertArrayEquals(new double[] {-0.25, -0.25, -0.25, -0.25}, out);
        }
    }

    @Test
    void memoryBelowOneIsRefused() {
        try (TensorArena arena = new TensorArena("test")) {
            assertThrows(IllegalArgumentException.class, () -> new Lbfgs(kernels, 0, Precision.F64, N, arena));
            new Lbfgs(kernels, 1, Precision.F64, N, arena);
        }
    }

    @Test
    void aCheckpointOfAnotherMemorySizeIsRefusedNamingBoth() throws IOException {
        Path file = folder.resolve("lbfgs.safetensors");
        try (TensorArena arena = new TensorArena("test")) {
            SafeTensors.Writer w = SafeTensors.writer();
            new Lbfgs(kernels, 3, Precision.F64, N, arena).save(w);
            w.write(file);
            Lbfgs other = new Lbfgs(kernels, 2, Precision.F64, N, arena);
            String message = assertThrows(IllegalArgumentException.class, () -> other.restore(SafeTensors.read(file)))
                    .getMessage();
            assertTrue(message.contains("holds 3 pairs, this run uses 2"), message);
            Path broken = folder.resolve("broken.safetensors");
            SafeTensors.writer().add("lbfgs.state", new long[] {2, 0}).write(broken);
            message = assertThrows(IllegalArgumentException.class, () -> other.restore(SafeTensors.read(broken)))
                    .getMessage();
            assertTrue(message.contains("holds 2 pairs"), message);
            SafeTensors.writer().add("lbfgs.state", new long[0]).write(broken);
            message = assertThrows(IllegalArgumentException.class, () -> other.restore(SafeTensors.read(broken)))
                    .getMessage();
            assertTrue(message.contains("holds 0 pairs"), message);
            Files.delete(broken);
        }
    }

    /** H from pairs first..last (the ring keeps the newest m), built by the BFGS update on dense matrices. */
    private static double[][] inverseHessian(double[][] s, double[][] y, int first) {
        int newest = s.length - 1;
        double gamma = dot(s[newest], y[newest]) / dot(y[newest], y[newest]);
        double[][] h = new double[N][N];
        for (int i = 0; i < N; i++) {
            h[i][i] = gamma;
        }
        for (int k = first; k <= newest; k++) {
            double rho = 1 / dot(s[k], y[k]);
            double[][] v = new double[N][N];
            for (int i = 0; i < N; i++) {
                for (int j = 0; j < N; j++) {
                    v[i][j] = (i == j ? 1 : 0) - rho * y[k][i] * s[k][j];
                }
            }
            double[][] vtHv = multiply(transpose(v), multiply(h, v));
            for (int i = 0; i < N; i++) {
                for (int j = 0; j < N; j++) {
                    h[i][j] = vtHv[i][j] + rho * s[k][i] * s[k][j];
                }
            }
        }
        return h;
    }

    private static double[][] multiply(double[][] a, double[][] b) {
        double[][] c = new double[N][N];
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < N; j++) {
                for (int k = 0; k < N; k++) {
                    c[i][j] += a[i][k] * b[k][j];
                }
            }
        }
        return c;
    }

    private static double[][] transpose(double[][] a) {
        double[][] t = new double[N][N];
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < N; j++) {
                t[i][j] = a[j][i];
            }
        }
        return t;
    }

    private static double dot(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    private static double[] randomVector(SplittableRandom random) {
        double[] v = new double[N];
        for (int i = 0; i < N; i++) {
            v[i] = random.nextDouble(-1, 1);
        }
        return v;
    }

    /** y = A s for a random symmetric positive definite A (diagonal 1..4 plus a small symmetric part). */
    private static double[] curvedBy(double[] s, SplittableRandom random) {
        double[][] a = new double[N][N];
        for (int i = 0; i < N; i++) {
            a[i][i] = 1 + i;
            for (int j = 0; j < i; j++) {
                a[i][j] = a[j][i] = random.nextDouble(-0.2, 0.2);
            }
        }
        double[] y = new double[N];
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < N; j++) {
                y[i] += a[i][j] * s[j];
            }
        }
        return y;
    }

    private static Matrix vector(TensorArena arena, double[] values) {
        Matrix m = arena.vector(Precision.F64, values.length);
        m.copyFrom(values);
        return m;
    }

    private static void assertArrayEquals(double[] expected, Matrix actual) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, actual.toArray(), 1e-15);
    }
}

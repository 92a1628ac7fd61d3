package org.layerbraid.vecmath;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;

/** Seeded inputs and tolerance-aware comparisons shared by the kernel tests. */
final class TestData {
    static final int[] BATCHES = {1, 3, 7, 8, 13, 31, 64, 129, 257, 1001};
    static final int[] WIDTHS = {1, 2, 5, 8, 13, 32, 64};

    private TestData() {
    }

    /** Fills m with uniform values in [−scale, scale]. */
    static Matrix random(Matrix m, long seed, double scale) {
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int r = 0; r < m.rows(); r++) {
            for (int c = 0; c < m.cols(); c++) {
                m.set(r, c, scale * (2 * rnd.nextDouble() - 1));
            }
        }
        return m;
    }

    static int[] labels(int n, int classes, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = rnd.nextInt(classes);
        }
        return labels;
    }

    /** Unit roundoff of the precision. */
    static double eps(Precision p) {
        return p == Precision.F64 ? 0x1p-52 : 0x1p-23;
    }

    /**
     * Asserts |actual − expected| ≤ tol·(1 + |expected|) elementwise, with tol = 8·eps·(depth + 1): the
     * error bound of a depth-long sum of products of O(1) values, with room for reordering.
     */
    static void assertClose(Matrix expected, Matrix actual, int depth, String what) {
        double tol = 8 * eps(expected.precision()) * (depth + 1);
        for (int r = 0; r < expected.rows(); r++) {
            for (int c = 0; c < expected.cols(); c++) {
                double e = expected.get(r, c);
                double a = actual.get(r, c);
                if (!(Math.abs(a - e) <= tol * (1 + Math.abs(e)))) {
                    fail(what + ": element (" + r + ", " + c + ") of " + expected.shape() + " is " + a + ", expected "
                            + e + " (tolerance " + tol + ")");
                }
            }
        }
    }

    static void assertClose(double expected, double actual, double tol, String what) {
        if (!(Math.abs(actual - expected) <= tol * (1 + Math.abs(expected)))) {
            fail(what + ": " + actual + ", expected " + expected + " (tolerance " + tol + ")");
        }
    }

    /** Asserts every element is bitwise equal. */
    static void assertBitwise(Matrix expected, Matrix actual, String what) {
        for (int r = 0; r < expected.rows(); r++) {
            for (int c = 0; c < expected.cols(); c++) {
                if (Double.doubleToRawLongBits(expected.get(r, c)) != Double.doubleToRawLongBits(actual.get(r, c))) {
                    fail(what + ": element (" + r + ", " + c + ") differs: " + actual.get(r, c) + " vs "
                            + expected.get(r, c));
                }
            }
        }
    }
}

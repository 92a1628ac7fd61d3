package org.layerbraid.mgrit.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.layerbraid.vecmath.Matrix;
import org.layerbraid.vecmath.Precision;
import org.layerbraid.vecmath.TensorArena;

/** The data set container, its transposed matrix, its checks, and the standardisation and split records. */
class DataSetTest {
    private static final List<String> AB = List.of("a", "b");

    private static void fails(String fragment, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' should contain '" + fragment
                + "'");
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void matrixIsFeaturesByExamples(Precision precision) {
        int d = 3;
        int n = 17; // not a multiple of a cache line: the rows are padded
        double[] x = new double[n * d];
        int[] labels = new int[n];
        for (int k = 0; k < x.length; k++) {
            x[k] = 0.1 * k - 2;
        }
        DataSet data = new DataSet("t", d, x, labels, AB);
        try (TensorArena arena = new TensorArena("test")) {
            Matrix m = data.toMatrix(arena, precision);
            assertEquals(d, m.rows());
            assertEquals(n, m.cols());
            assertEquals(precision, m.precision());
            assertTrue(m.ld() > n, "padded layout from arena.matrix");
            for (int i = 0; i < n; i++) {
                for (int f = 0; f < d; f++) {
                    double v = x[i * d + f];
                    assertEquals(precision == Precision.F64 ? v : (float) v, m.get(f, i), "feature " + f + " of " + i);
                }
            }
        }
    }

    @Test
    void accessorsDescribeTheData() {
        double[] x = {1, 2, 3, 4, 5, 6};
        DataSet data = new DataSet("t", 2, x, new int[] {1, 0, 1}, List.of("x", "y", "z"));
        assertEquals(3, data.size());
        assertEquals(2, data.features());
        assertEquals(3, data.classes());
        assertEquals("t (3 examples, 2 features, 3 classes)", data.toString());
    }

    @Test
    void inconsistentDataIsRejected() {
        fails("example 2 has label 2, outside [0, 2)",
                () -> new DataSet("t", 1, new double[3], new int[] {0, 1, 2}, AB));
        fails("example 1, feature 2 is NaN",
                () -> new DataSet("t", 3, new double[] {0, 0, 0, 0, 0, Double.NaN}, new int[2], AB));
        fails("example 0, feature 0 is -Infinity",
                () -> new DataSet("t", 1, new double[] {Double.NEGATIVE_INFINITY}, new int[1], AB));
        fails("2 labels × 3 features needs 6 values, got 5", () -> new DataSet("t", 3, new double[5], new int[2], AB));
        fails("class names must be non-empty and distinct", () -> new DataSet("t", 1, new double[1], new int[1],
                List.of("a", "a")));
        fails("has no examples", () -> new DataSet("t", 1, new double[0], new int[0], AB));
        fails("needs at least 1 feature", () -> new DataSet("t", 0, new double[0], new int[1], AB));
    }

    @Test
    void splitPartsMustAgree() {
        DataSet two = new DataSet("two", 2, new double[2], new int[1], AB);
        DataSet one = new DataSet("one", 1, new double[1], new int[1], AB);
        DataSet otherClasses = new DataSet("other", 2, new double[2], new int[1], List.of("a", "c"));
        fails("must have the same features and classes", () -> new Split(two, one));
        fails("must have the same features and classes", () -> new Split(two, otherClasses));
        fails("standardization for 1 features", () -> new Split(two, two, Standardization.identity(1)));
    }

    @Test
    void standardizationFitsMeanAndPopulationStd() {
        // Feature 0: 1, 2, 3, 6 → mean 3, variance (4 + 1 + 0 + 9) / 4 = 3.5. Feature 1 is constant.
        double[] x = {1, 5, 2, 5, 3, 5, 6, 5};
        Standardization s = Standardization.fit(x, 2);
        assertArrayEquals(new double[] {3, 5}, s.means());
        assertEquals(Math.sqrt(3.5), s.stds()[0], 1e-15);
        assertEquals(1, s.stds()[1], "a constant feature gets std 1");
        double[] y = s.apply(x);
        assertEquals((1 - 3) / Math.sqrt(3.5), y[0], 1e-15);
        assertEquals(0, y[1]);
        assertEquals(1, x[0], "apply copies");
        assertFalse(s.isIdentity());
        assertTrue(Standardization.identity(2).isIdentity());
        assertEquals(s, Standardization.fit(x.clone(), 2), "value equality");
        fails("feature 1 has mean 0.0 and std 0.0", () -> new Standardization(new double[2], new double[] {1, 0}));
        fails("7 values are not a whole, non-zero number of examples of 2 features", () -> s.apply(new double[7]));
    }
}

package org.layerbraid.mgrit.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** The peaks generator: balanced, deterministic, and labelled by the formula with tight band limits. */
class PeaksTest {
    /** The formula written out independently of {@link Peaks#value}, with pow instead of products. */
    private static double peaks(double x, double y) {
        return 3 * Math.pow(1 - x, 2) * Math.exp(-Math.pow(x, 2) - Math.pow(y + 1, 2))
                - 10 * (x / 5 - Math.pow(x, 3) - Math.pow(y, 5)) * Math.exp(-Math.pow(x, 2) - Math.pow(y, 2))
                - 1.0 / 3 * Math.exp(-Math.pow(x + 1, 2) - Math.pow(y, 2));
    }

    private static int[] counts(DataSet data) {
        int[] counts = new int[data.classes()];
        for (int label : data.labels()) {
            counts[label]++;
        }
        return counts;
    }

    @Test
    void classesAreBalanced() {
        Split split = Peaks.generate(5000, 200, 7);
        assertArrayEquals(new int[] {1000, 1000, 1000, 1000, 1000}, counts(split.train()));
        assertArrayEquals(new int[] {40, 40, 40, 40, 40}, counts(split.validation()));
        assertEquals(List.of("0", "1", "2", "3", "4"), split.train().classNames());
        assertEquals(2, split.train().features());
        assertTrue(split.standardization().isIdentity());
    }

    @Test
    void remainderGoesToTheFirstClasses() {
        Split split = Peaks.generate(13, 7, 3);
        assertArrayEquals(new int[] {3, 3, 3, 2, 2}, counts(split.train()));
        assertArrayEquals(new int[] {2, 2, 1, 1, 1}, counts(split.validation()));
    }

    @Test
    void sameSeedSameBitsOtherSeedOtherPoints() {
        Split a = Peaks.generate(500, 50, 42);
        Split b = Peaks.generate(500, 50, 42);
        Split c = Peaks.generate(500, 50, 43);
        // Arrays.equals on doubles compares bit patterns.
        assertTrue(Arrays.equals(a.train().examples(), b.train().examples()));
        assertArrayEquals(a.train().labels(), b.train().labels());
        assertTrue(Arrays.equals(a.validation().examples(), b.validation().examples()));
        assertArrayEquals(a.validation().labels(), b.validation().labels());
        assertFalse(Arrays.equals(a.train().examples(), c.train().examples()));
        assertFalse(Arrays.equals(a.validation().examples(), c.validation().examples()));
    }

    @Test
    void trainAndValidationAreDifferentDraws() {
        Split split = Peaks.generate(1000, 1000, 5);
        Set<Double> trainX = new HashSet<>();
        double[] train = split.train().examples();
        for (int i = 0; i < train.length; i += 2) {
            trainX.add(train[i]);
        }
        double[] validation = split.validation().examples();
        for (int i = 0; i < validation.length; i += 2) {
            assertFalse(trainX.contains(validation[i]), "validation point " + i / 2 + " repeats a training point");
        }
    }

    @Test
    void shuffledSoTheEndIsNotOnlyRareClasses() {
        // Unshuffled rejection sampling would end with a long run of the rare bands 0 and 4.
        int[] tail = Arrays.copyOfRange(Peaks.generate(5000, 5, 11).train().labels(), 4000, 5000);
        int middle = 0;
        for (int label : tail) {
            middle += label == 2 ? 1 : 0;
        }
        assertTrue(middle > 150 && middle < 250, "band 2 has " + middle + " of the last 1000 points, expected ~200");
    }

    @Test
    void everyLabelMatchesTheFormula() {
        Split split = Peaks.generate(5000, 500, 13);
        double width = (Peaks.MAX - Peaks.MIN) / 5;
        for (DataSet data : List.of(split.train(), split.validation())) {
            double[] xy = data.examples();
            for (int i = 0; i < data.size(); i++) {
                double x = xy[2 * i];
                double y = xy[2 * i + 1];
                assertTrue(x >= -3 && x <= 3 && y >= -3 && y <= 3, "point " + i + " outside the square");
                double position = (peaks(x, y) - Peaks.MIN) / width;
                if (Math.abs(position - Math.rint(position)) < 1e-9) {
                    continue; // on a band edge the two formulas may round apart
                }
                int expected = Math.min(4, Math.max(0, (int) Math.floor(position)));
                assertEquals(expected, data.labels()[i], data.name() + " point " + i + " at (" + x + ", " + y + ")");
                assertEquals(expected, Peaks.label(x, y));
            }
        }
    }

    @Test
    void bandLimitsAreTheExtremesOnTheSquare() {
        // A 1201×1201 grid, then zooming 21×21 grids around the best grid points: a different search from the one
        // that produced the constants.
        int n = 1201;
        double[] best = {Double.POSITIVE_INFINITY, 0, 0, Double.NEGATIVE_INFINITY, 0, 0};
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double x = -3 + 6.0 * i / (n - 1);
                double y = -3 + 6.0 * j / (n - 1);
                double v = peaks(x, y);
                assertTrue(v >= Peaks.MIN - 1e-12 && v <= Peaks.MAX + 1e-12, "peaks(" + x + ", " + y + ") = " + v
                        + " is outside the band limits");
                if (v < best[0]) {
                    best = new double[] {v, x, y, best[3], best[4], best[5]};
                }
                if (v > best[3]) {
                    best = new double[] {best[0], best[1], best[2], v, x, y};
                }
            }
        }
        assertTrue(best[0] - Peaks.MIN < 1e-3 && Peaks.MAX - best[3] < 1e-3, "grid extremes " + best[0] + ", "
                + best[3]);
        assertEquals(Peaks.MIN, zoom(best[1], best[2], -1), 1e-12);
        assertEquals(Peaks.MAX, zoom(best[4], best[5], 1), 1e-12);
    }

    /** The extreme (sign 1: max, −1: min) near (x, y), by grids that shrink 4× per round. */
    private static double zoom(double x, double y, int sign) {
        double half = 6.0 / 1200;
        double bestX = x;
        double bestY = y;
        for (int round = 0; round < 25; round++) {
            double cx = bestX;
            double cy = bestY;
            for (int i = -10; i <= 10; i++) {
                for (int j = -10; j <= 10; j++) {
                    double px = Math.clamp(cx + half * i / 10, -3, 3);
                    double py = Math.clamp(cy + half * j / 10, -3, 3);
                    if (sign * peaks(px, py) > sign * peaks(bestX, bestY)) {
                        bestX = px;
                        bestY = py;
                    }
                }
            }
            half /= 4;
        }
        return peaks(bestX, bestY);
    }

    @Test
    void rarestBandStillHasAFewPercentOfTheArea() {
        SplittableRandom random = new SplittableRandom(99);
        int draws = 400_000;
        int[] counts = new int[5];
        for (int k = 0; k < draws; k++) {
            counts[Peaks.label(random.nextDouble(-3, 3), random.nextDouble(-3, 3))]++;
        }
        double[] documented = {0.0281, 0.1223, 0.7238, 0.0983, 0.0276};
        for (int b = 0; b < 5; b++) {
            double fraction = counts[b] / (double) draws;
            assertTrue(fraction > 0.02, "band " + b + " has only " + fraction + " of the area");
            assertEquals(documented[b], fraction, 0.003, "band " + b + " fraction");
        }
    }

    @Test
    void sizesMustBePositive() {
        var e = assertThrows(IllegalArgumentException.class, () -> Peaks.generate(0, 10, 1));
        assertTrue(e.getMessage().contains("at least 1 training and 1 validation point, got 0 and 10"), e.getMessage());
    }
}

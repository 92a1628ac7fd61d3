package org.layerbraid.mgrit.data;

import java.util.List;
import java.util.SplittableRandom;

/**
 * The peaks classification problem of the layer-parallel training papers: points uniform on [−3, 3]², labelled by
 * which of 5 equal-width bands of MATLAB's {@code peaks} function value they fall in. Features are (x, y).
 */
public final class Peaks {
    /** Number of classes (bands). */
    public static final int CLASSES = 5;

    // The extremes of peaks on the square, from a 601×601 grid refined by compass search down to steps of 1e-15
    // (the neighbourhood agrees to 2 ulps). Both are interior: on the boundary |peaks| < 0.3.
    /** Minimum of {@link #value} on [−3, 3]², at (0.2282789, −1.6255350); the lower limit of band 0. */
    public static final double MIN = -6.551133332835841;
    /** Maximum of {@link #value} on [−3, 3]², at (−0.0093176, 1.5813680); the upper limit of band 4. */
    public static final double MAX = 8.10621358944234;

    // Area fractions of the bands, measured on a 4000×4000 midpoint grid: 2.81 %, 12.23 %, 72.38 %, 9.83 %, 2.76 %.
    // Rejection sampling for balanced classes thus needs about n/5 / 0.0276 ≈ 7.2·n draws: fast.

    private static final double LO = -3;
    private static final double HI = 3;
    private static final List<String> CLASS_NAMES = List.of("0", "1", "2", "3", "4");

    private Peaks() {
    }

    /** MATLAB's peaks: 3(1−x)² e^{−x²−(y+1)²} − 10(x/5 − x³ − y⁵) e^{−x²−y²} − 1/3 e^{−(x+1)²−y²}. */
    public static double value(double x, double y) {
        double x2 = x * x;
        double y2 = y * y;
        return 3 * (1 - x) * (1 - x) * Math.exp(-x2 - (y + 1) * (y + 1))
                - 10 * (x / 5 - x2 * x - y2 * y2 * y) * Math.exp(-x2 - y2)
                - Math.exp(-(x + 1) * (x + 1) - y2) / 3;
    }

    /**
     * The class of a point: band b covers {@code [MIN + b·w, MIN + (b+1)·w)} with {@code w = (MAX − MIN)/5}; the top
     * band includes MAX.
     */
    public static int label(double x, double y) {
        int band = (int) Math.floor((value(x, y) - MIN) / (MAX - MIN) * CLASSES);
        return Math.clamp(band, 0, CLASSES - 1);
    }

    /**
     * Balanced training and validation sets: each class gets n/5 points; when n is not a multiple of 5 the first
     * n mod 5 classes get one more. The two sets come from independent streams split off one generator seeded with
     * {@code seed}, so the same seed gives the same bits. Points are drawn uniformly and kept while their class
     * still needs points (rejection sampling), then shuffled so that every slice of the batch is balanced on average.
     */
    public static Split generate(int nTrain, int nValidation, long seed) {
        if (nTrain < 1 || nValidation < 1) {
            throw new IllegalArgumentException("peaks needs at least 1 training and 1 validation point, got "
                    + nTrain + " and " + nValidation);
        }
        SplittableRandom root = new SplittableRandom(seed);
        SplittableRandom trainStream = root.split();
        SplittableRandom validationStream = root.split();
        return new Split(sample("peaks train", nTrain, trainStream),
                sample("peaks validation", nValidation, validationStream));
    }

    private static DataSet sample(String name, int n, SplittableRandom random) {
        int[] quota = new int[CLASSES];
        for (int c = 0; c < CLASSES; c++) {
            quota[c] = n / CLASSES + (c < n % CLASSES ? 1 : 0);
        }
        double[] points = new double[2 * n];
        int[] labels = new int[n];
        int filled = 0;
        while (filled < n) {
            double x = random.nextDouble(LO, HI);
            double y = random.nextDouble(LO, HI);
            int c = label(x, y);
            if (quota[c] > 0) {
                quota[c]--;
                points[2 * filled] = x;
                points[2 * filled + 1] = y;
                labels[filled] = c;
                filled++;
            }
        }
        // Rejection sampling fills the common bands first, so the raw order ends with rare bands only.
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            swap(points, 2 * i, 2 * j);
            swap(points, 2 * i + 1, 2 * j + 1);
            int label = labels[i];
            labels[i] = labels[j];
            labels[j] = label;
        }
        return new DataSet(name, 2, points, labels, CLASS_NAMES);
    }

    private static void swap(double[] a, int i, int j) {
        double t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}

package org.layerbraid.mgrit.data;

import java.util.Arrays;

/**
 * A per-feature affine transform {@code (x − mean) / std}, fitted on training data and kept so that validation data
 * and later predictions get exactly the same transform. Unstandardised data carries the identity (mean 0, std 1).
 *
 * @param means one mean per feature
 * @param stds  one positive standard deviation per feature
 */
public record Standardization(double[] means, double[] stds) {
    public Standardization {
        if (means.length < 1 || means.length != stds.length) {
            throw new IllegalArgumentException("standardization needs one mean and one std per feature, got "
                    + means.length + " means and " + stds.length + " stds");
        }
        for (int f = 0; f < means.length; f++) {
            if (!Double.isFinite(means[f]) || !(stds[f] > 0) || !Double.isFinite(stds[f])) {
                throw new IllegalArgumentException("standardization of feature " + f + " has mean " + means[f]
                        + " and std " + stds[f] + ": needs a finite mean and a finite positive std");
            }
        }
        means = means.clone();
        stds = stds.clone();
    }

    /** The transform that changes nothing, for d features. */
    public static Standardization identity(int features) {
        double[] ones = new double[features];
        Arrays.fill(ones, 1);
        return new Standardization(new double[features], ones);
    }

    /**
     * Fits means and population standard deviations (divided by n) of example-major data with d features, so the
     * fitted data has mean 0 and std 1 per feature. A constant feature gets std 1: it carries no information, and
     * dividing by 0 would make NaNs.
     */
    public static Standardization fit(double[] exampleMajor, int features) {
        int n = examples(exampleMajor, features);
        double[] means = new double[features];
        double[] stds = new double[features];
        for (int f = 0; f < features; f++) {
            double sum = 0;
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                double v = exampleMajor[i * features + f];
                sum += v;
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            double mean = sum / n;
            // Two passes: the sum of squared deviations does not cancel the way E[x²] − E[x]² does.
            double squares = 0;
            for (int i = 0; i < n; i++) {
                double dev = exampleMajor[i * features + f] - mean;
                squares += dev * dev;
            }
            // Tested on min == max, not std == 0: a constant column's computed mean can miss it by an ulp.
            means[f] = mean;
            stds[f] = min == max ? 1 : Math.sqrt(squares / n);
        }
        return new Standardization(means, stds);
    }

    /** Number of features this transform expects. */
    public int features() {
        return means.length;
    }

    /** Whether this is the identity (all means 0 and all stds 1). */
    public boolean isIdentity() {
        for (int f = 0; f < means.length; f++) {
            if (means[f] != 0 || stds[f] != 1) {
                return false;
            }
        }
        return true;
    }

    /** A transformed copy of example-major data with {@link #features()} features per example. */
    public double[] apply(double[] exampleMajor) {
        int d = features();
        int n = examples(exampleMajor, d);
        double[] out = new double[exampleMajor.length];
        for (int i = 0; i < n; i++) {
            for (int f = 0; f < d; f++) {
                out[i * d + f] = (exampleMajor[i * d + f] - means[f]) / stds[f];
            }
        }
        return out;
    }

    @Override
    public double[] means() {
        return means.clone();
    }

    @Override
    public double[] stds() {
        return stds.clone();
    }

    /** Equal means and stds, value by value (a record compares arrays by identity). */
    @Override
    public boolean equals(Object other) {
        return other instanceof Standardization s && Arrays.equals(means, s.means) && Arrays.equals(stds, s.stds);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(means) + Arrays.hashCode(stds);
    }

    @Override
    public String toString() {
        return "Standardization[means=" + Arrays.toString(means) + ", stds=" + Arrays.toString(stds) + "]";
    }

    private static int examples(double[] exampleMajor, int features) {
        if (features < 1 || exampleMajor.length == 0 || exampleMajor.length % features != 0) {
            throw new IllegalArgumentException(exampleMajor.length + " values are not a whole, non-zero number of "
                    + "examples of " + features + " features");
        }
        return exampleMajor.length / features;
    }
}

package org.layerbraid.mgrit.nn;

import org.layerbraid.vecmath.Kernels;
import org.layerbraid.vecmath.Matrix;

/**
 * Nested iteration's prolongation of trained weights to a deeper network over the same time interval [0, T]: fine
 * layer n, which starts at time n·T/N_f, takes the weights of the coarse layer whose step contains that time,
 * {@code ⌊n·N_c / N_f⌋} (piecewise constant in time, so layer-constant weights stay exactly constant); the opening
 * and the classifier are copied. With N_f = 2·N_c every coarse layer becomes two fine ones of half the step.
 */
public final class LayerInterpolation {
    private LayerInterpolation() {
    }

    /**
     * Writes the prolongation of {@code coarse} into {@code fine}.
     *
     * @throws IllegalArgumentException when the two networks differ in anything but depth, or fine is shallower
     */
    public static void interpolate(Kernels kernels, Parameters coarse, Parameters fine) {
        int nc = coarse.layers();
        int nf = fine.layers();
        if (nf < nc) {
            throw new IllegalArgumentException("cannot interpolate " + nc + " layers to fewer (" + nf + ")");
        }
        same("opening weights", coarse.openingWeights(), fine.openingWeights());
        same("layer blocks", coarse.layer(0), fine.layer(0));
        same("classifier weights", coarse.classifierWeights(), fine.classifierWeights());
        same("classifier bias", coarse.classifierBias(), fine.classifierBias());
        if (coarse.openingWeights() != null) {
            kernels.copy(coarse.openingWeights(), fine.openingWeights());
            kernels.copy(coarse.openingBias(), fine.openingBias());
        }
        for (int n = 0; n < nf; n++) {
            kernels.copy(coarse.layer((int) ((long) n * nc / nf)), fine.layer(n));
        }
        kernels.copy(coarse.classifierWeights(), fine.classifierWeights());
        kernels.copy(coarse.classifierBias(), fine.classifierBias());
    }

    private static void same(String what, Matrix a, Matrix b) {
        boolean match = a == null ? b == null
                : b != null && a.rows() == b.rows() && a.cols() == b.cols() && a.precision() == b.precision();
        if (!match) {
            throw new IllegalArgumentException("the networks differ in their " + what + ": "
                    + (a == null ? "none" : a.shape()) + " and " + (b == null ? "none" : b.shape())
                    + "; only the number of layers may differ");
        }
    }
}

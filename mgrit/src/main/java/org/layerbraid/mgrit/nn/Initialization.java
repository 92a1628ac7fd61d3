package org.layerbraid.mgrit.nn;

import java.util.SplittableRandom;
import org.layerbraid.vecmath.Matrix;

/**
 * How parameters start: every parameter of a group (opening layer, residual layers, classifier) is drawn
 * independently and scaled by the group's factor. {@link Kind#REFERENCE_UNIFORM} is the reference code's
 * choice (uniform on [0, 1), times 10⁻³ by default); {@link Kind#NORMAL} draws N(0, 1) instead. Draws
 * follow the flat layout in order from one seeded generator, so a seed fixes every bit.
 */
public record Initialization(Kind kind, double openingScale, double layerScale, double classifierScale) {

    /** The distribution of each parameter before scaling. */
    public enum Kind {
        /** Uniform on [0, 1), as the reference code. */
        REFERENCE_UNIFORM,
        /** Standard normal. */
        NORMAL
    }

    public Initialization {
        if (kind == null) {
            throw new IllegalArgumentException("initialisation kind must be given");
        }
        for (double s : new double[] {openingScale, layerScale, classifierScale}) {
            if (!Double.isFinite(s)) {
                throw new IllegalArgumentException("initialisation scales must be finite, got " + s);
            }
        }
    }

    /** The reference Peaks configuration: uniform [0, 1) × 10⁻³ for every group. */
    public static Initialization reference() {
        return new Initialization(Kind.REFERENCE_UNIFORM, 1e-3, 1e-3, 1e-3);
    }

    /** Fills the parameters. */
    public void apply(Parameters p, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        fill(p.openingWeights(), openingScale, random);
        fill(p.openingBias(), openingScale, random);
        for (int n = 0; n < p.layers(); n++) {
            fill(p.weights(n), layerScale, random);
            fill(p.bias(n), layerScale, random);
        }
        fill(p.classifierWeights(), classifierScale, random);
        fill(p.classifierBias(), classifierScale, random);
    }

    private void fill(Matrix m, double scale, SplittableRandom random) {
        if (m == null) {
            return;
        }
        for (int r = 0; r < m.rows(); r++) {
            for (int c = 0; c < m.cols(); c++) {
                double x = kind == Kind.NORMAL ? random.nextGaussian() : random.nextDouble();
                m.set(r, c, scale * x);
            }
        }
    }
}

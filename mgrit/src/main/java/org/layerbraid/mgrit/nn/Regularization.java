package org.layerbraid.mgrit.nn;

import org.layerbraid.vecmath.Kernels;
import org.layerbraid.vecmath.Matrix;
import org.layerbraid.vecmath.TensorArena;

/**
 * The regularisation terms of the objective (BRIEF §1) and their gradients:
 * {@code γ_tik/2 ‖θ‖²} over the opening and residual layers, {@code γ_class/2 ‖W, μ‖²} over the classifier,
 * and {@code γ_ddt/2 Σ_{n≥1} ‖(θ_n − θ_{n−1}) / h‖²} across consecutive residual layers (the term whose
 * gradient the reference code silently drops).
 */
public final class Regularization {
    private final Kernels kernels;
    private final NetworkConfig config;
    private final Matrix difference;

    public Regularization(Kernels kernels, NetworkConfig config, TensorArena arena) {
        this.kernels = kernels;
        this.config = config;
        this.difference = arena.vector(config.precision(), new ParameterLayout(config).layerSize());
    }

    /** The value of all terms at p. */
    public double value(Parameters p) {
        double tik = 0;
        if (p.openingWeights() != null) {
            tik += squares(p.openingWeights()) + squares(p.openingBias());
        }
        double ddt = 0;
        for (int n = 0; n < p.layers(); n++) {
            tik += squares(p.layer(n));
            if (n > 0 && config.gammaDdt() != 0) {
                ddt += squares(differenceOf(p, n));
            }
        }
        double h = config.h();
        double classifier = squares(p.classifierWeights()) + squares(p.classifierBias());
        return config.gammaTik() / 2 * tik + config.gammaDdt() / (2 * h * h) * ddt + config.gammaClass() / 2 * classifier;
    }

    /** Adds the gradient of all terms at p to {@code gradient}. */
    public void addGradient(Parameters p, Parameters gradient) {
        double tik = config.gammaTik();
        if (p.openingWeights() != null) {
            kernels.axpby(tik, p.openingWeights(), 1, gradient.openingWeights());
            kernels.axpby(tik, p.openingBias(), 1, gradient.openingBias());
        }
        double h = config.h();
        double ddt = config.gammaDdt() / (h * h);
        for (int n = 0; n < p.layers(); n++) {
            kernels.axpby(tik, p.layer(n), 1, gradient.layer(n));
            if (n > 0 && ddt != 0) {
                Matrix d = differenceOf(p, n);
                kernels.axpby(ddt, d, 1, gradient.layer(n));
                kernels.axpby(-ddt, d, 1, gradient.layer(n - 1));
            }
        }
        kernels.axpby(config.gammaClass(), p.classifierWeights(), 1, gradient.classifierWeights());
        kernels.axpby(config.gammaClass(), p.classifierBias(), 1, gradient.classifierBias());
    }

    /** θ_n − θ_{n−1}, in the shared scratch vector. */
    private Matrix differenceOf(Parameters p, int n) {
        kernels.copy(p.layer(n), difference);
        kernels.axpby(-1, p.layer(n - 1), 1, difference);
        return difference;
    }

    private double squares(Matrix m) {
        return kernels.dot(m, m);
    }
}

package org.layerbraid.vecmath;

import java.util.Locale;

/**
 * Activation functions of the residual layers (BRIEF §1). The kernels implement them; this enum only
 * names them and holds the smooth-ReLU constant.
 */
public enum Activation {
    /** Hyperbolic tangent. */
    TANH("tanh"),
    /** max(x, 0); its derivative is taken as 0 at x = 0. */
    RELU("relu"),
    /** ReLU with the quadratic patch x²/(4η) + x/2 + η/4 on (−η, η), η = {@link #SMOOTH_RELU_ETA}. */
    SMOOTH_RELU("smoothrelu");

    /** Half-width η of the quadratic patch of the smooth ReLU, as in the reference code. */
    public static final double SMOOTH_RELU_ETA = 0.1;

    private final String label;

    Activation(String label) {
        this.label = label;
    }

    /** The name used on the command line and in configuration files. */
    public String label() {
        return label;
    }

    /** Parses a name such as {@code tanh}, {@code relu}, {@code smoothrelu} (also {@code smooth-relu}, {@code SmoothReLu}). */
    public static Activation parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
        for (Activation a : values()) {
            if (a.label.equals(t)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown activation '" + text + "': use tanh, relu or smoothrelu");
    }
}

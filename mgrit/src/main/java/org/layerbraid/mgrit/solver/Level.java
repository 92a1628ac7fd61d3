package org.layerbraid.mgrit.solver;

import org.layerbraid.vecmath.Kernels;
import org.layerbraid.vecmath.Matrix;

/**
 * One grid level and its equation {@code u_{j+1} = Φ_l(u_j) + g_{j+1}}, j = 0..N_l − 1, with u_0 fixed. Φ_l is
 * the re-discretised step: from point j it calls the propagator's step of fine index {@code j·stride} with the
 * level's step size. g is the FAS right-hand side, absent (zero) on level 0. The states of every point are
 * stored; the level's C-points are the multiples of its coarsening factor. Every operation works on a range of
 * batch columns, so a relaxation can carry one cache-sized tile of the batch through a whole C-interval.
 */
final class Level {
    final int index;
    final int steps;
    /** c_l, or 0 on the coarsest level (which has no C/F split). */
    final int cfactor;
    /** The CF pairs after the first F-relaxation, and the C-relaxation weight, on this level. */
    final int cfSweeps;
    final double cWeight;
    final Matrix[] u;
    /** g_1..g_N (entry 0 unused), or null on level 0. */
    final Matrix[] rhs;
    /** Where the final pass stores each step's side product (z_j for the ResNet), or null. */
    final Matrix[] side;
    /** 1 when every point is stored; else the points kept are its multiples and the last. */
    final int storeEvery;
    /**
     * Whether the final pass runs every step (to store F-points and side products, or because each step adds a
     * gradient), or with C-point storage and nothing stored only the steps to the last point when it is an F-point.
     */
    final boolean finalPassEveryStep;
    /** Columns per tile, and the batch size. */
    final int tile;
    final int batch;
    private final int stride;
    private final double h;
    private final Propagator propagator;
    private final Kernels kernels;

    Level(Hierarchy hierarchy, MgritOptions options, int index, int storeEvery, boolean finalPassEveryStep,
            Matrix[] u, Matrix[] rhs, Matrix[] side, int tile, Propagator propagator, Kernels kernels) {
        this.index = index;
        this.steps = hierarchy.steps(index);
        this.cfactor = index < hierarchy.levels() - 1 ? hierarchy.cfactor(index) : 0;
        this.cfSweeps = options.cfSweeps(index);
        this.cWeight = options.cWeight(index);
        this.stride = hierarchy.stride(index);
        this.h = hierarchy.stepSize(index);
        this.u = u;
        this.rhs = rhs;
        this.side = side;
        this.storeEvery = storeEvery;
        this.finalPassEveryStep = finalPassEveryStep;
        this.batch = u[0].cols();
        this.tile = tile;
        this.propagator = propagator;
        this.kernels = kernels;
    }

    /**
     * The C-intervals: interval k starts at C-point k·c and holds the F-points up to the next C-point. Every
     * C-point starts one, so the last interval holds the F-points after the last C-point, or none.
     */
    int intervals() {
        return steps / cfactor + 1;
    }

    /** The batch tiles: ⌈batch / tile⌉. */
    int tiles() {
        return (batch + tile - 1) / tile;
    }

    /** The first column of tile t. */
    int tileStart(int t) {
        return t * tile;
    }

    /** One past the last column of tile t. */
    int tileEnd(int t) {
        return Math.min((t + 1) * tile, batch);
    }

    /** Whether point j's state is stored in {@link #u}. */
    boolean stores(int j) {
        return j % storeEvery == 0 || j == steps;
    }

    /** Where step j's side product is kept (the final pass), or null when it is not. */
    Matrix side(int j) {
        return side == null ? null : side[j];
    }

    /**
     * {@code to = Φ_l(from) + g_{j+1}} with the step of point j; {@code z}, when not null, receives the step's side
     * product.
     */
    void step(int j, Matrix from, Matrix to, Matrix z, int c0, int c1) {
        propagator.step(j * stride, h, from, to, z, c0, c1);
        addRhs(j, to, c0, c1);
    }

    /** {@code out = Φ_l(from) + g_{j+1}} with the step of point j, from a state held elsewhere than u_j. */
    void predict(int j, Matrix from, Matrix out, int c0, int c1) {
        step(j, from, out, null, c0, c1);
    }

    /** {@code out = Φ_l(from)} with the step of point j, without right-hand side. */
    void propagate(int j, Matrix from, Matrix out, int c0, int c1) {
        propagator.step(j * stride, h, from, out, null, c0, c1);
    }

    private void addRhs(int j, Matrix out, int c0, int c1) {
        if (rhs != null) {
            kernels.axpby(1, rhs[j + 1], 1, out, c0, c1);
        }
    }
}

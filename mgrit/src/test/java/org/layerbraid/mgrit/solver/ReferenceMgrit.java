package org.layerbraid.mgrit.solver;

import java.util.ArrayList;
import java.util.List;

/**
 * Textbook nonlinear (FAS) MGRIT on plain arrays, written to be read rather than to be fast, so the solver's
 * iteration counts, residual histories and states can be checked against values derived independently of it.
 * It shares no code with the solver: its own grids, relaxations written point by point, the restriction in the
 * textbook form {@code g_{i} = r_{ic} + v_i − Φ^Δ(v_{i−1})}, and whole-level sweeps instead of intervals and tiles.
 * <p>
 * Level l has the points 0..N_l, steps of size {@code h·stride_l}, and the equation
 * {@code u_{j+1} = Φ_l(u_j) + g_{j+1}} (g = 0 on level 0); level l + 1 keeps every c_l-th point while it would
 * have at least {@code minCoarse} steps. One iteration: relax level 0 (skipped in the first iteration with
 * skip-first-down), restrict (measuring the residual at the C-points), test, solve level 1 with a V- or F-cycle,
 * inject level 1's values at level 0's C-points. A solve ends with an F-relaxation of level 0.
 */
final class ReferenceMgrit {
    private final PlainChain chain;
    private final MgritOptions options;
    private final List<Integer> steps = new ArrayList<>();
    private final List<Integer> cfactors = new ArrayList<>();
    private final List<Integer> strides = new ArrayList<>();
    private final double h;
    /** u[l][j] and g[l][j]. */
    private final double[][][] u;
    private final double[][][] g;
    final List<Double> norms = new ArrayList<>();
    int iterations;
    boolean converged;

    ReferenceMgrit(PlainChain chain, int fineSteps, double h, MgritOptions options) {
        this.chain = chain;
        this.options = options;
        this.h = h;
        steps.add(fineSteps);
        strides.add(1);
        while (steps.size() < options.maxLevels()) {
            int l = steps.size() - 1;
            int coarse = steps.get(l) / options.cfactor(l);
            if (coarse < options.minCoarse()) {
                break;
            }
            cfactors.add(options.cfactor(l));
            strides.add(strides.get(l) * options.cfactor(l));
            steps.add(coarse);
        }
        int size = chain.width * chain.batch;
        u = new double[steps.size()][][];
        g = new double[steps.size()][][];
        for (int l = 0; l < steps.size(); l++) {
            u[l] = new double[steps.get(l) + 1][size];
            g[l] = new double[steps.get(l) + 1][size];
        }
    }

    int levels() {
        return steps.size();
    }

    /** The fine state u_n after the last solve. */
    double[] state(int n) {
        return u[0][n];
    }

    /** Solves from u0 with the options' stopping rule; the initial guess is zero (or the serial solution). */
    void solve(double[] u0) {
        norms.clear();
        u[0][0] = u0.clone();
        if (levels() == 1) {
            serial(0);
            iterations = 1;
            converged = true;
            return;
        }
        for (int j = 1; j <= steps.get(0); j++) {
            u[0][j] = new double[u0.length];
        }
        if (options.initialGuess() == InitialGuess.SEQUENTIAL) {
            serial(0);
        }
        if (options.fixedIterations()) {
            for (int it = 0; it < options.maxIterations(); it++) {
                boolean down = it > 0 || !options.skipFirstDown();
                if (down) {
                    relax(0);
                }
                double norm = restrict(0);
                if (options.measuresFixedIterations()) {
                    norms.add(norm);
                }
                coarseCycle(1, down);
                inject(0);
            }
            iterations = options.maxIterations();
            converged = false;
        } else {
            iterateToTolerance();
        }
        fRelax(0);
    }

    private void iterateToTolerance() {
        double stop = options.tolerance();
        for (int it = 0; ; it++) {
            boolean down = it > 0 || !options.skipFirstDown();
            if (down) {
                relax(0);
            }
            double norm = restrict(0);
            norms.add(norm);
            // The relative tolerance refers to the first norm measured after a relaxation.
            if (down && norms.size() == (options.skipFirstDown() ? 2 : 1)) {
                stop = Math.max(stop, options.relativeTolerance() * norm);
            }
            converged = down && norm <= stop;
            if (converged || it == options.maxIterations()) {
                iterations = it;
                return;
            }
            coarseCycle(1, down);
            inject(0);
        }
    }

    /** Solves level l ≥ 1 approximately: V-cycle, or F-cycle (an F-cycle below, then one more V-cycle). */
    private void coarseCycle(int l, boolean down) {
        cycle(l, down, options.cycle() == MgritOptions.Cycle.F);
    }

    private void cycle(int l, boolean down, boolean fCycle) {
        if (l == levels() - 1) {
            serial(l);
            return;
        }
        if (down) {
            relax(l);
        }
        restrict(l);
        cycle(l + 1, down, fCycle);
        correct(l);
        if (fCycle) {
            relax(l);
            restrict(l);
            cycle(l + 1, true, false);
            correct(l);
        }
    }

    /** Φ_l from point j: the fine step j·stride with the level's step size. */
    private double[] phi(int l, int j, double[] x) {
        return chain.step(j * strides.get(l), h * strides.get(l), x);
    }

    /** What the equation of level l says point j should be: Φ_l(u_{j−1}) + g_j. */
    private double[] predicted(int l, int j) {
        double[] p = phi(l, j - 1, u[l][j - 1]);
        for (int i = 0; i < p.length; i++) {
            p[i] += g[l][j][i];
        }
        return p;
    }

    private boolean isCPoint(int l, int j) {
        return j % cfactors.get(l) == 0;
    }

    /** F-relaxation: every F-point from its predecessor, left to right. */
    private void fRelax(int l) {
        for (int j = 1; j <= steps.get(l); j++) {
            if (!isCPoint(l, j)) {
                u[l][j] = predicted(l, j);
            }
        }
    }

    /** Weighted C-relaxation: u_C ← ω·(Φ(u_{C−1}) + g_C) + (1 − ω)·u_C. */
    private void cRelax(int l) {
        double w = options.cWeight(l);
        for (int j = cfactors.get(l); j <= steps.get(l); j += cfactors.get(l)) {
            double[] p = predicted(l, j);
            for (int i = 0; i < p.length; i++) {
                p[i] = w * p[i] + (1 - w) * u[l][j][i];
            }
            u[l][j] = p;
        }
    }

    /** F, then the level's CF pairs. */
    private void relax(int l) {
        fRelax(l);
        for (int s = 0; s < options.cfSweeps(l); s++) {
            cRelax(l);
            fRelax(l);
        }
    }

    /** FAS restriction to level l + 1; returns the norm of the residual at level l's C-points. */
    private double restrict(int l) {
        int c = cfactors.get(l);
        double sum = 0;
        u[l + 1][0] = u[l][0].clone();
        for (int i = 1; i <= steps.get(l + 1); i++) {
            double[] r = predicted(l, i * c);
            for (int k = 0; k < r.length; k++) {
                r[k] -= u[l][i * c][k];
                sum += r[k] * r[k];
            }
            u[l + 1][i] = u[l][i * c].clone();
            double[] coarseStep = phi(l + 1, i - 1, u[l + 1][i - 1]);
            for (int k = 0; k < r.length; k++) {
                g[l + 1][i][k] = r[k] + u[l + 1][i][k] - coarseStep[k];
            }
        }
        return Math.sqrt(sum);
    }

    /** Level l's C-points take level l + 1's values; below level 0 the F-points follow by F-relaxation. */
    private void correct(int l) {
        inject(l);
        fRelax(l);
    }

    private void inject(int l) {
        for (int i = 1; i <= steps.get(l + 1); i++) {
            u[l][i * cfactors.get(l)] = u[l + 1][i].clone();
        }
    }

    /** The exact solve: every point from its predecessor. */
    private void serial(int l) {
        for (int j = 1; j <= steps.get(l); j++) {
            u[l][j] = predicted(l, j);
        }
    }
}

package org.layerbraid.mgrit.solver;

import java.util.SplittableRandom;
import org.layerbraid.vecmath.Matrix;

/**
 * A small chain written twice, once on plain arrays for {@link ReferenceMgrit} and once as the solver's
 * {@link Propagator}, with the same arithmetic in the same order so both see the same bits:
 * <pre>
 *   Φ_n(h, u)[r, c] = u[r, c] + h · σ(a_n[r] · u[(r + 1) mod w, c] + d · u[r, c] + b_n[r])
 * </pre>
 * with σ = tanh (nonlinear) or the identity (linear). States are w × batch, stored row-major in the arrays.
 */
final class PlainChain implements Propagator {
    final int width;
    final int batch;
    private final boolean tanh;
    private final double damping;
    private final double[][] a;
    private final double[][] b;

    /** Coefficients a and b uniform in (−scale, scale) from the seed, for {@code steps} steps. */
    PlainChain(int steps, int width, int batch, boolean tanh, double damping, double scale, long seed) {
        this.width = width;
        this.batch = batch;
        this.tanh = tanh;
        this.damping = damping;
        SplittableRandom random = new SplittableRandom(seed);
        this.a = new double[steps][width];
        this.b = new double[steps][width];
        for (int n = 0; n < steps; n++) {
            for (int r = 0; r < width; r++) {
                a[n][r] = random.nextDouble(-scale, scale);
                b[n][r] = random.nextDouble(-scale, scale);
            }
        }
    }

    /** The nonlinear chain the solver tests use: tanh, damping −0.5, coefficients in (−1.5, 1.5). */
    static PlainChain nonlinear(int steps, int width, int batch) {
        return new PlainChain(steps, width, batch, true, -0.5, 1.5, 42);
    }

    private double sigma(double x) {
        return tanh ? Math.tanh(x) : x;
    }

    /** Φ_n(h, u) on a row-major array. */
    double[] step(int n, double h, double[] u) {
        double[] next = new double[u.length];
        for (int r = 0; r < width; r++) {
            int r1 = (r + 1) % width;
            for (int c = 0; c < batch; c++) {
                double x = u[r1 * batch + c];
                next[r * batch + c] = u[r * batch + c] + h * sigma(a[n][r] * x + damping * u[r * batch + c] + b[n][r]);
            }
        }
        return next;
    }

    /** A row-major initial state from the seed, entries in (−1, 1). */
    double[] initialState(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] u = new double[width * batch];
        for (int i = 0; i < u.length; i++) {
            u[i] = random.nextDouble(-1, 1);
        }
        return u;
    }

    @Override
    public void step(int n, double h, Matrix u, Matrix next, Matrix z, int c0, int c1) {
        for (int r = 0; r < width; r++) {
            int r1 = (r + 1) % width;
            for (int c = c0; c < c1; c++) {
                double pre = a[n][r] * u.get(r1, c) + damping * u.get(r, c) + b[n][r];
                next.set(r, c, u.get(r, c) + h * sigma(pre));
                if (z != null) {
                    z.set(r, c, pre);
                }
            }
        }
    }

    @Override
    public void adjointStep(int n, double h, Matrix u, Matrix z, Matrix lambda, Matrix lambdaPrev,
            boolean accumulateGradient, int c0, int c1) {
        throw new UnsupportedOperationException("the forward solver needs no adjoint");
    }
}

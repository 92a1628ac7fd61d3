package org.layerbraid.mgrit.train;

import org.layerbraid.mgrit.io.SafeTensors;
import org.layerbraid.vecmath.Kernels;
import org.layerbraid.vecmath.Matrix;
import org.layerbraid.vecmath.Precision;
import org.layerbraid.vecmath.TensorArena;

/**
 * Limited-memory BFGS directions (Nocedal–Wright, algorithm 7.4): the last m pairs s = x₊ − x,
 * y = ∇f₊ − ∇f in a ring of off-heap vectors, the two-loop recursion, and H₀ = (sᵀy / yᵀy)·I. A pair
 * with too little curvature (sᵀy ≤ 10⁻¹⁰·‖s‖‖y‖) is skipped, which keeps the approximation positive
 * definite.
 */
public final class Lbfgs {
    private final Kernels kernels;
    private final Matrix[] s;
    private final Matrix[] y;
    private final double[] rho;
    private final double[] alpha;
    private int count;
    private int newest = -1;

    public Lbfgs(Kernels kernels, int memory, Precision precision, int dimension, TensorArena arena) {
        if (memory < 1) {
            throw new IllegalArgumentException("L-BFGS memory must be at least 1, got " + memory);
        }
        this.kernels = kernels;
        this.s = new Matrix[memory];
        this.y = new Matrix[memory];
        for (int i = 0; i < memory; i++) {
            s[i] = arena.vector(precision, dimension);
            y[i] = arena.vector(precision, dimension);
        }
        this.rho = new double[memory];
        this.alpha = new double[memory];
    }

    /** out = −H·g. */
    public void direction(Matrix gradient, Matrix out) {
        kernels.copy(gradient, out);
        int m = s.length;
        for (int k = 0; k < count; k++) {
            int i = Math.floorMod(newest - k, m);
            alpha[i] = rho[i] * kernels.dot(s[i], out);
            kernels.axpby(-alpha[i], y[i], 1, out);
        }
        if (count > 0) {
            kernels.scale(1 / (rho[newest] * kernels.dot(y[newest], y[newest])), out);
        }
        for (int k = count - 1; k >= 0; k--) {
            int i = Math.floorMod(newest - k, m);
            double beta = rho[i] * kernels.dot(y[i], out);
            kernels.axpby(alpha[i] - beta, s[i], 1, out);
        }
        kernels.scale(-1, out);
    }

    /** Adds the pair (s, y) unless its curvature is too small; returns whether it was kept. */
    public boolean update(Matrix step, Matrix gradientChange) {
        double sy = kernels.dot(step, gradientChange);
        if (!(sy > 1e-10 * kernels.norm2(step) * kernels.norm2(gradientChange))) {
            return false;
        }
        newest = (newest + 1) % s.length;
        kernels.copy(step, s[newest]);
        kernels.copy(gradientChange, y[newest]);
        rho[newest] = 1 / sy;
        count = Math.min(count + 1, s.length);
        return true;
    }

    /** Forgets all pairs (the next direction is steepest descent). */
    public void reset() {
        count = 0;
        newest = -1;
    }

    /** Adds the memory to a checkpoint: the pairs, ρ and the ring's counters. */
    public void save(SafeTensors.Writer w) {
        for (int i = 0; i < s.length; i++) {
            w.add("lbfgs.s." + i, s[i], s[i].cols());
            w.add("lbfgs.y." + i, y[i], y[i].cols());
        }
        w.add("lbfgs.rho", rho.clone());
        w.add("lbfgs.state", new long[] {s.length, count, newest});
    }

    /** Restores the memory saved by {@link #save}; the memory sizes must agree. */
    public void restore(SafeTensors file) {
        long[] state = file.longs("lbfgs.state");
        if (state.length != 3 || state[0] != s.length) {
            throw new IllegalArgumentException(file.file() + ": the checkpoint's L-BFGS memory holds "
                    + (state.length > 0 ? state[0] : 0) + " pairs, this run uses " + s.length);
        }
        double[] savedRho = file.doubles("lbfgs.rho");
        boolean ringValid = state[1] >= 0 && state[1] <= s.length && state[2] >= -1 && state[2] < s.length
                && (state[1] == 0) == (state[2] == -1);
        if (!ringValid || savedRho.length != rho.length) {
            throw new IllegalArgumentException(file.file() + ": the checkpoint's L-BFGS state is corrupt (counters "
                    + state[1] + ", " + state[2] + " and " + savedRho.length + " curvatures for " + s.length
                    + " pairs)");
        }
        for (int i = 0; i < s.length; i++) {
            file.copyInto("lbfgs.s." + i, s[i]);
            file.copyInto("lbfgs.y." + i, y[i]);
        }
        System.arraycopy(savedRho, 0, rho, 0, rho.length);
        count = (int) state[1];
        newest = (int) state[2];
    }
}

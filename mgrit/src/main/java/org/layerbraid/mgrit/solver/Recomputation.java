package org.layerbraid.mgrit.solver;

import java.util.Arrays;
import org.layerbraid.mgrit.exec.WorkerPool;
import org.layerbraid.vecmath.Matrix;
import org.layerbraid.vecmath.Precision;
import org.layerbraid.vecmath.TensorArena;

/**
 * The states of a forward solve with C-point storage as the adjoint solve reads them: the stored ones as they are,
 * an F-point state or any side product recomputed from its interval's C-point by the very propagator calls of the
 * forward solve's final pass (so the same bits). Each worker of the adjoint's pool keeps one interval, on the
 * columns it last asked for, computed as far as asked: the adjoint goes through an interval's layers from the top
 * down, so each interval is recomputed once per sweep and tile. Owns c states and c side products per worker.
 */
final class Recomputation implements LayerStates, AutoCloseable {
    private final ForwardSolver forward;
    private final Level fine;
    private final WorkerPool pool;
    private final TensorArena arena = new TensorArena("C-point recomputation");
    /** Per worker: u_{s+i+1} and z_{s+i} of the interval from C-point s, i = 0..c−1. */
    private final Matrix[][] states;
    private final Matrix[][] sides;
    /** Per worker: the interval's C-point s (−1: none), the steps done from it, and the columns. */
    private final int[] start;
    private final int[] done;
    private final int[] from;
    private final int[] to;

    Recomputation(ForwardSolver forward, WorkerPool pool, Precision precision, int width, int batch) {
        this.forward = forward;
        this.fine = forward.fineLevel();
        this.pool = pool;
        int every = fine.storeEvery;
        int workers = pool.workers();
        this.states = new Matrix[workers][every];
        this.sides = new Matrix[workers][every];
        try {
            for (int w = 0; w < workers; w++) {
                for (int i = 0; i < every; i++) {
                    states[w][i] = arena.matrix(precision, width, batch);
                    sides[w][i] = arena.matrix(precision, width, batch);
                }
            }
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
        this.start = new int[workers];
        this.done = new int[workers];
        this.from = new int[workers];
        this.to = new int[workers];
        forget();
    }

    /** Whether this recomputes the states of {@code solver}. */
    boolean serves(ForwardSolver solver) {
        return solver == forward;
    }

    /** Drops what every worker holds: the forward states have changed. */
    void forget() {
        Arrays.fill(start, -1);
    }

    @Override
    public Matrix state(int n, int c0, int c1) {
        if (fine.stores(n)) {
            return fine.u[n];
        }
        int w = pool.workerIndex();
        int s = stepped(w, n, n - n % fine.storeEvery, c0, c1);
        return states[w][n - s - 1];
    }

    @Override
    public Matrix sideProduct(int n, int c0, int c1) {
        int w = pool.workerIndex();
        int s = stepped(w, n + 1, n - n % fine.storeEvery, c0, c1);
        return sides[w][n - s];
    }

    /** Makes worker w hold the interval from C-point s stepped up to point n on [c0, c1); returns s. */
    private int stepped(int w, int n, int s, int c0, int c1) {
        if (start[w] != s || from[w] != c0 || to[w] != c1) {
            start[w] = s;
            from[w] = c0;
            to[w] = c1;
            done[w] = 0;
        }
        for (int i = done[w]; i < n - s; i++) {
            fine.step(s + i, i == 0 ? fine.u[s] : states[w][i - 1], states[w][i], sides[w][i], c0, c1);
        }
        done[w] = Math.max(done[w], n - s);
        return s;
    }

    /** Bytes of its work matrices. */
    long bytesAllocated() {
        return arena.bytesAllocated();
    }

    @Override
    public void close() {
        arena.close();
    }
}

package org.layerbraid.tools.model;

import org.layerbraid.mgrit.solver.Hierarchy;

/**
 * Predicted times (seconds) of serial and layer-parallel forward and backward propagation from measured unit
 * costs. The MGRIT algorithm modelled, on the grid hierarchy the solver builds ({@link Hierarchy}):
 * <ul>
 * <li>Level l has N_l steps, C_l = ⌊N_l / c_l⌋ C-points after point 0 and I_l = C_l + 1 C-intervals: C_l with
 * c_l − 1 F-points, the last with r_l = N_l − C_l·c_l.</li>
 * <li>One V-cycle, on every level l but the coarsest: F-relaxation, then ν_l C- and F-relaxations, then the
 * restriction (one fine and one coarse step per C-interval); the coarsest level is propagated serially on one
 * worker; the correction F-relaxes levels l ≥ 1, and on level 0 only injects (its F-relaxation is the next
 * cycle's). A solve ends with a final pass over level 0: its F-relaxation plus the step into every C-point, so
 * that every step has run once from the final states (keeping the pre-activations z for the adjoint).</li>
 * <li>Every phase on a level is one parallel region over its C-intervals in contiguous blocks per worker (as
 * {@code Partition} splits them); it lasts as long as the busiest worker's steps, plus the region's cost s. With
 * {@code fusedRestrict} the restriction shares the region of the relaxation before it.</li>
 * <li>Forward MGRIT steps cost t_step; adjoint MGRIT steps, on every level, use the z the forward solve's final
 * pass kept and cost t_adj; the adjoint solve's final pass also accumulates the gradient (t_adj + t_grad).</li>
 * <li>Vector passes over a state (t_vec each): a step on a coarse level adds its right-hand side (1); the
 * restriction forms the right-hand side and copies the C-point down (2 per C-interval); the correction injects
 * the C-points (about 1 per C-interval).</li>
 * <li>Threads of one process share the memory bandwidth: on P ≥ 2 threads every step and pass costs the
 * measured contention factor times more (processes are assumed to have their own).</li>
 * <li>Between processes (a {@link Network} that is not shared memory), every region also hands one boundary
 * state (width × batch × 8 bytes) to the neighbour, and every V-cycle has one global collective of
 * ⌈log2 P⌉ latencies. Data-parallel serial then all-reduces the gradient: 2 ⌈log2 P⌉ messages of all
 * parameters.</li>
 * </ul>
 * Serial forward+backward is N·(t_step + t_adj + t_grad) per example; data-parallel shares the batch in one
 * region (see {@link #dataParallel}). The opening and classifier layers are left out (one layer each, not N).
 */
public final class CostModel {
    /** Examples per slice of the data-parallel serial evaluation (SerialEvaluator's slice). */
    static final int SLICE = 512;
    private static final double BYTES = 8;

    private final UnitCosts units;
    private final Network network;
    private final boolean fusedRestrict;

    public CostModel(UnitCosts units, Network network, boolean fusedRestrict) {
        this.units = units;
        this.network = network;
        this.fusedRestrict = fusedRestrict;
    }

    public Network network() {
        return network;
    }

    /** Serial forward and backward propagation with the gradient, on one thread. */
    public double serial(ModelConfig c) {
        return (double) c.layers() * perExample() * c.batch();
    }

    /** How much slower compute is on this configuration's workers than on one alone. */
    private double contention(ModelConfig c) {
        return c.workers() > 1 && network.sharedMemory() ? units.contention() : 1;
    }

    private double perExample() {
        return units.step() + units.adjoint() + units.gradient();
    }

    /**
     * Serial forward and backward propagation with the batch shared between P workers: threads take whole slices
     * of {@value #SLICE} examples (so no more threads than slices work), processes an equal share of the examples.
     */
    public double dataParallel(ModelConfig c) {
        if (network.sharedMemory()) {
            int slices = (c.batch() + SLICE - 1) / SLICE;
            int used = Math.min(c.workers(), slices);
            double examples = maxBlock(slices, used, SLICE, c.batch() - SLICE * (slices - 1));
            double contention = used > 1 ? units.contention() : 1;
            return c.layers() * perExample() * contention * examples + units.region(used);
        }
        int used = Math.min(c.workers(), c.batch());
        double examples = maxBlock(c.batch(), used, 1, 1);
        double parameterBytes = (double) c.layers() * (c.width() * c.width() + 1) * BYTES;
        return c.layers() * perExample() * examples + units.region(used)
                + 2 * log2(used) * network.message(parameterBytes);
    }

    /** A forward MGRIT solve of {@code iterations} V-cycles. */
    public double forwardSolve(ModelConfig c, int iterations) {
        Hierarchy h = hierarchy(c);
        double k = contention(c) * c.batch();
        double step = units.step() * k;
        if (h.levels() == 1) {
            return c.layers() * step;
        }
        return iterations * cycle(c, h, step) + fRelax(c, h, 0, step, step);
    }

    /** An adjoint MGRIT solve of {@code iterations} V-cycles on the forward solve's states and z, with the gradient. */
    public double adjointSolve(ModelConfig c, int iterations) {
        Hierarchy h = hierarchy(c);
        double k = contention(c) * c.batch();
        double step = units.adjoint() * k;
        double withGradient = (units.adjoint() + units.gradient()) * k;
        if (h.levels() == 1) {
            return c.layers() * withGradient;
        }
        return iterations * cycle(c, h, step) + fRelax(c, h, 0, withGradient, withGradient);
    }

    /**
     * One one-shot optimisation step: a forward solve of {@code forward} V-cycles, an adjoint solve of
     * {@code adjoint} V-cycles, and {@code lineSearchSolves} more forward solves for the line search.
     */
    public double oneShotStep(ModelConfig c, int forward, int adjoint, int lineSearchSolves) {
        return (1 + lineSearchSolves) * forwardSolve(c, forward) + adjointSolve(c, adjoint);
    }

    /** The grid hierarchy of the configuration. */
    public static Hierarchy hierarchy(ModelConfig c) {
        return new Hierarchy(c.layers(), 1.0 / c.layers(), c.maxLevels(), c.minCoarse(), c.cfactor0(), c.cfactor());
    }

    /** Parallel regions of one V-cycle (without the solve's final F-relaxation). */
    public int regionsPerCycle(ModelConfig c) {
        Hierarchy h = hierarchy(c);
        int regions = 0;
        for (int l = 0; l < h.levels() - 1; l++) {
            int sweeps = l == 0 ? c.cfSweeps0() : c.cfSweeps();
            regions += 1 + 2 * sweeps + (fusedRestrict ? 0 : 1) + 1;
        }
        return regions;
    }

    private double cycle(ModelConfig c, Hierarchy h, double step) {
        int last = h.levels() - 1;
        double pass = units.vector() * contention(c) * c.batch();
        double time = 0;
        for (int l = 0; l < last; l++) {
            int sweeps = l == 0 ? c.cfSweeps0() : c.cfSweeps();
            // Steps on coarse levels add their right-hand side.
            double levelStep = l == 0 ? step : step + pass;
            time += fRelax(c, h, l, levelStep, 0);
            for (int s = 0; s < sweeps; s++) {
                time += phase(c, h, l, levelStep, 0) + fRelax(c, h, l, levelStep, 0);
            }
            double restrict = phase(c, h, l, levelStep + step + 2 * pass, 0);
            time += fusedRestrict ? restrict - region(c) : restrict;
            // Correction: inject the C-points, then F-relax on coarse levels (level 0's is the next relaxation).
            time += l == 0 ? phase(c, h, l, pass, pass) : fRelax(c, h, l, levelStep, pass);
        }
        time += h.steps(last) * (step + pass);
        if (c.workers() > 1 && !network.sharedMemory()) {
            time += log2(c.workers()) * network.latency();
        }
        return time;
    }

    /** F-relaxation of level l with steps of cost {@code step}, plus {@code extra} per full C-interval. */
    private double fRelax(ModelConfig c, Hierarchy h, int l, double step, double extra) {
        int cf = h.cfactor(l);
        int coarse = h.steps(l) / cf;
        int rest = h.steps(l) - coarse * cf;
        return maxBlock(coarse + 1, c.workers(), (cf - 1) * step + extra, rest * step) + region(c);
    }

    /** A region costing {@code perInterval} in each full C-interval of level l and {@code lastInterval} in the last. */
    private double phase(ModelConfig c, Hierarchy h, int l, double perInterval, double lastInterval) {
        int coarse = h.steps(l) / h.cfactor(l);
        return maxBlock(coarse + 1, c.workers(), perInterval, lastInterval) + region(c);
    }

    /** The cost of one region: synchronisation, and between processes one boundary state to the neighbour. */
    private double region(ModelConfig c) {
        double time = units.region(c.workers());
        if (c.workers() > 1) {
            time += network.message((double) c.width() * c.batch() * BYTES);
        }
        return time;
    }

    /**
     * The busiest worker's work when {@code items} items, all costing {@code full} but the last ({@code last}),
     * are split in contiguous blocks [t·n/P, (t+1)·n/P) between P workers.
     */
    static double maxBlock(int items, int workers, double full, double last) {
        double max = 0;
        for (int t = 0; t < workers; t++) {
            long from = (long) t * items / workers;
            long to = (long) (t + 1) * items / workers;
            double work = to == items ? (to - from - 1) * full + last : (to - from) * full;
            max = Math.max(max, to > from ? work : 0);
        }
        return max;
    }

    private static int log2(int p) {
        return 32 - Integer.numberOfLeadingZeros(p - 1);
    }
}

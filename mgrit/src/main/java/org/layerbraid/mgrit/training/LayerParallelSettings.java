package org.layerbraid.mgrit.training;

import java.util.Locale;
import org.layerbraid.mgrit.nn.AdaptiveEvaluator;
import org.layerbraid.mgrit.solver.Hierarchy;
import org.layerbraid.mgrit.solver.InitialGuess;
import org.layerbraid.mgrit.solver.MgritOptions;
import org.layerbraid.mgrit.solver.Storage;

/**
 * How a training run propagates through the residual layers: {@code serial} (exact, optionally data-parallel),
 * {@code parallel} (forward and adjoint MGRIT to a tolerance every evaluation) or {@code oneshot} (a fixed few
 * forward and adjoint MGRIT iterations per evaluation, warm-restarted from the previous one), with the MGRIT
 * settings of the reference code's {@code braid_*} keys.
 *
 * @param method             serial, parallel or oneshot
 * @param maxLevels          braid_maxlevels
 * @param minCoarse          braid_mincoarse: fewest steps of a coarse level
 * @param cfactor0           braid_cfactor0: coarsening from the layers to the first coarse level
 * @param cfactor            braid_cfactor: coarsening between coarser levels
 * @param cfSweeps0          braid_nrelax0: CF sweeps after F on the finest level (0 = F, 1 = FCF)
 * @param cfSweeps           braid_nrelax: the same on coarser levels
 * @param forwardIterations  oneshot: forward iterations per evaluation; parallel: at most this many
 * @param adjointIterations  oneshot: adjoint iterations per gradient; parallel: at most this many
 * @param tolerance          parallel: braid_abstol of the forward solve
 * @param adjointTolerance   parallel: braid_adjtol of the adjoint solve
 * @param fcycle             braid_fmg: F-cycles instead of V-cycles
 * @param skipFirstDown      braid_setskip: skip the relaxation of the first down-cycle
 * @param adaptive           oneshot under adaptive control (null: none): see {@code AdaptiveEvaluator}
 * @param batchThreads       how many blocks the batch tiles are shared between; the run's threads / this share
 *                           the layers (results are the same for any split)
 * @param storage            which fine states the MGRIT solves keep: all, or the C-points only with the F-points
 *                           recomputed (the same results; null reads as all, as in settings saved before it existed)
 */
public record LayerParallelSettings(String method, int maxLevels, int minCoarse, int cfactor0, int cfactor,
        int cfSweeps0, int cfSweeps, int forwardIterations, int adjointIterations, double tolerance,
        double adjointTolerance, boolean fcycle, boolean skipFirstDown, AdaptiveEvaluator.Policy adaptive,
        int batchThreads, Storage storage) {

    /** Validates; throws IllegalArgumentException with one line naming the option. */
    public LayerParallelSettings {
        method = method.toLowerCase(Locale.ROOT);
        switch (method) {
            case "serial", "parallel", "oneshot" -> { }
            default -> throw new IllegalArgumentException("unknown --method '" + method
                    + "': use serial, parallel or oneshot");
        }
        if (!method.equals("serial")) {
            require(maxLevels >= 2, "--method " + method + " with --levels " + maxLevels + " is serial propagation: "
                    + "use --method serial, or --levels 2 or more");
            require(minCoarse >= 1, "--min-coarse must be at least 1, got " + minCoarse);
            require(cfactor0 >= 2 && cfactor >= 2, "--cfactor0 and --cfactor must be at least 2, got " + cfactor0
                    + " and " + cfactor);
            require(cfSweeps0 >= 0 && cfSweeps >= 0, "--relax0 and --relax must be F, FCF or F(CF)^n");
            require(forwardIterations >= 1 && adjointIterations >= 1, "--fwd-iterations and --adj-iterations must be "
                    + "at least 1, got " + forwardIterations + " and " + adjointIterations);
            require(tolerance > 0 && Double.isFinite(tolerance), "--tolerance must be positive and finite, got "
                    + tolerance);
            require(adjointTolerance > 0 && Double.isFinite(adjointTolerance),
                    "--adjoint-tolerance must be positive and finite, got " + adjointTolerance);
        }
        require(adaptive == null || method.equals("oneshot"), "--adaptive controls the oneshot method only");
        require(batchThreads >= 1, "--batch-threads must be at least 1, got " + batchThreads);
        require(batchThreads == 1 || !method.equals("serial"), "--layer-threads and --batch-threads split the MGRIT "
                + "workers of parallel and oneshot; serial shares the batch with --threads");
        require(adaptive == null || adaptive.maxIterations() >= Math.max(forwardIterations, adjointIterations),
                "--adaptive-max-iterations must be at least the iterations per step");
        storage = storage == null ? Storage.ALL : storage;
        if (storage == Storage.C_POINTS) {
            require(!method.equals("serial"), "--storage c-points keeps MGRIT's C-points: it applies to --method "
                    + "parallel and oneshot");
            require(batchThreads == 1, "--storage c-points adds the gradient in the final pass: it cannot be "
                    + "combined with --batch-threads " + batchThreads);
            require(!skipFirstDown, "--storage c-points cannot be combined with --skip-first-down, which reads the "
                    + "F-points it does not keep");
        }
    }

    /** {@code all} or {@code c-points} (what {@link #describe} and the command line say) as a storage. */
    public static Storage parseStorage(String value) {
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "all" -> Storage.ALL;
            case "c-points", "cpoints" -> Storage.C_POINTS;
            default -> throw new IllegalArgumentException("unknown --storage '" + value + "': use all or c-points");
        };
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Exact serial propagation. */
    public static LayerParallelSettings serial() {
        return new LayerParallelSettings("serial", 10, 2, 4, 4, 0, 1, 2, 2, 1e-10, 1e-6, false, false, null, 1, Storage.ALL);
    }

    /**
     * The one-shot method with the reference MGRIT settings (10 levels, c = 4, F on the layers, FCF coarser):
     * {@code forward} and {@code adjoint} iterations per optimisation step, warm-restarted.
     */
    public static LayerParallelSettings oneShot(int forward, int adjoint) {
        return new LayerParallelSettings("oneshot", 10, 2, 4, 4, 0, 1, forward, adjoint, 1e-10, 1e-10, false, false,
                null, 1, Storage.ALL);
    }

    /** Forward and adjoint MGRIT solved to {@code tolerance} at every evaluation (at most 50 iterations each). */
    public static LayerParallelSettings converged(double tolerance) {
        return new LayerParallelSettings("parallel", 10, 2, 4, 4, 0, 1, 50, 50, tolerance, tolerance, false, false,
                null, 1, Storage.ALL);
    }

    /** The same method under adaptive control (one-shot only). */
    public LayerParallelSettings adaptive(AdaptiveEvaluator.Policy policy) {
        return new LayerParallelSettings(method, maxLevels, minCoarse, cfactor0, cfactor, cfSweeps0, cfSweeps,
                forwardIterations, adjointIterations, tolerance, adjointTolerance, fcycle, skipFirstDown, policy,
                batchThreads, storage);
    }

    /** The same method keeping the given fine states (see {@link Storage}). */
    public LayerParallelSettings storage(Storage kept) {
        return new LayerParallelSettings(method, maxLevels, minCoarse, cfactor0, cfactor, cfSweeps0, cfSweeps,
                forwardIterations, adjointIterations, tolerance, adjointTolerance, fcycle, skipFirstDown, adaptive,
                batchThreads, kept);
    }

    /** Whether the residual layers are solved by MGRIT. */
    public boolean layerParallel() {
        return !method.equals("serial");
    }

    /** Whether this is the one-shot method. */
    public boolean oneShot() {
        return method.equals("oneshot");
    }

    /** Checks that {@code threads} workers split into layer blocks × {@link #batchThreads} batch blocks. */
    void checkThreads(int threads) {
        require(threads % batchThreads == 0, "--threads " + threads + " cannot be split into " + batchThreads
                + " batch blocks of equal size: give --layer-threads and --batch-threads");
    }

    /** Checks the settings against the depth: the hierarchy must reach a second level. */
    void checkDepth(int layers) {
        if (!layerParallel()) {
            return;
        }
        Hierarchy h = new Hierarchy(layers, 1.0, maxLevels, minCoarse, cfactor0, cfactor);
        require(h.levels() >= 2, "--cfactor0 " + cfactor0 + " leaves " + layers / cfactor0 + " coarse step"
                + (layers / cfactor0 == 1 ? "" : "s") + " for " + layers + " layers, fewer than --min-coarse "
                + minCoarse + ": no coarse level, so MGRIT would be serial propagation");
    }

    /** The forward solve's options. */
    public MgritOptions forwardOptions() {
        return options(forwardIterations, tolerance);
    }

    /** The adjoint solve's options. */
    public MgritOptions adjointOptions() {
        return options(adjointIterations, adjointTolerance);
    }

    private MgritOptions options(int iterations, double tol) {
        MgritOptions.Builder b = MgritOptions.builder().levels(maxLevels, minCoarse).cfactor(cfactor0, cfactor)
                .cfSweeps(cfSweeps0, cfSweeps).cycle(fcycle ? MgritOptions.Cycle.F : MgritOptions.Cycle.V)
                .skipFirstDown(skipFirstDown).initialGuess(InitialGuess.WARM).storage(storage);
        return (oneShot() ? b.fixedIterations(iterations, true) : b.tolerance(tol, iterations)).build();
    }

    /** One line for the console. */
    public String describe(int threads) {
        if (!layerParallel()) {
            return "serial";
        }
        String relax = (cfSweeps0 == 0 ? "F" : "F" + "CF".repeat(cfSweeps0)) + "/"
                + (cfSweeps == 0 ? "F" : "F" + "CF".repeat(cfSweeps));
        return method + " (MGRIT ≤ " + maxLevels + " levels, c = " + cfactor0 + "/" + cfactor + ", " + relax + ", "
                + (fcycle ? "F" : "V") + "-cycles, " + (oneShot() ? forwardIterations + " forward + "
                + adjointIterations + " adjoint iterations per step" : "tolerance " + tolerance + " / "
                + adjointTolerance) + (adaptive == null ? "" : ", adaptive: factor ≤ " + adaptive.maxFactor()
                + ", angle ≤ " + adaptive.maxAngleDegrees() + "° every " + adaptive.checkEvery() + " steps, ≤ "
                + adaptive.maxIterations() + " iterations") + ", " + (batchThreads == 1
                ? threads + " worker" + (threads == 1 ? "" : "s") : threads / batchThreads + " layer × " + batchThreads
                + " batch workers") + (storage == Storage.ALL ? "" : ", C-point storage") + ")";
    }
}

package org.layerbraid.tools.model;

/**
 * The smallest depth at which one one-shot step (2 forward and 2 adjoint V-cycles on P workers) takes less time
 * than serial forward+backward, on one worker or data-parallel on the same P workers.
 */
public final class BreakEven {
    /** Depths tried: powers of two from 16 to this. */
    public static final int MAX_LAYERS = 1 << 20;

    private BreakEven() {
    }

    /**
     * The smallest power of two N ≥ 16 where layer-parallel wins at {@code base}'s width, batch, settings and P;
     * 0 when it does not win up to {@link #MAX_LAYERS}. Depths too small for a second level do not count (one
     * level is serial propagation).
     */
    public static int depth(CostModel model, ModelConfig base, boolean againstDataParallel) {
        for (int n = 16; n <= MAX_LAYERS; n *= 2) {
            ModelConfig c = base.withLayers(n);
            if (CostModel.hierarchy(c).levels() < 2) {
                continue;
            }
            double serial = againstDataParallel ? model.dataParallel(c) : model.serial(c);
            int k = Validation.ONE_SHOT_ITERATIONS;
            if (model.oneShotStep(c, k, k, 0) < serial) {
                return n;
            }
        }
        return 0;
    }
}

package org.layerbraid.mgrit.training;

import org.layerbraid.mgrit.nn.NetworkConfig;
import org.layerbraid.mgrit.nn.ParameterLayout;
import org.layerbraid.mgrit.solver.Storage;
import org.layerbraid.mgrit.train.MemoryEstimate;
import org.layerbraid.vecmath.Precision;

/** The memory a training run's settings call for, part by part (see {@link MemoryEstimate}). */
final class RunMemory {
    /** Examples per data-parallel slice of the serial evaluator, each with a gradient partial of its own. */
    private static final int SLICE = 512;

    private RunMemory() {
    }

    /**
     * Refuses settings whose run cannot fit this JVM or machine, before anything is allocated.
     *
     * @param trainSize      training examples
     * @param validationSize validation examples
     * @param resuming       whether a checkpoint is read (and held) besides the one written
     */
    static void check(TrainSettings s, NetworkConfig config, int trainSize, int validationSize, boolean resuming) {
        estimate(s, config, trainSize, validationSize, resuming).check("lower --layers, --width, --lbfgs-memory or the number "
                + "of examples, or give the JVM more memory (JAVA_OPTS=-Xmx…)");
    }

    static MemoryEstimate estimate(TrainSettings s, NetworkConfig config, int trainSize, int validationSize,
            boolean resuming) {
        Precision p = config.precision();
        long parameters = new ParameterLayout(config).size();
        int batch = s.minibatch() ? Math.min(s.batch() == 0 ? 64 : s.batch(), trainSize) : trainSize;
        int n = config.layers();
        int w = config.stateSize();
        long examples = (long) trainSize + validationSize;
        MemoryEstimate m = new MemoryEstimate()
                .heap("data", examples * (config.features() * 8L + 4))
                .tensors("data tensors", 1, p, config.features(), batch)
                .tensors("data tensors", 1, p, config.features(), validationSize)
                .tensors("parameters", 2, p, 1, parameters)
                .tensors("optimiser vectors", s.minibatch() ? 3 : 4, p, 1, parameters);
        if (s.optimizer().equals("lbfgs")) {
            m.tensors("L-BFGS memory", 2L * s.lbfgsMemory(), p, 1, parameters);
        }
        LayerParallelSettings lp = s.layerParallel();
        long warmStates = 0;
        if (lp.layerParallel()) {
            int workers = s.threads();
            m.mgritStates("MGRIT states", lp.forwardOptions(), n, config.h(), true, workers, p, w, batch)
                    .mgritStates("MGRIT states", lp.adjointOptions(), n, config.h(), false, workers, p, w, batch)
                    .tensors("MGRIT states", 2L + 2 * workers, p, w, batch);
            long kept = lp.storage() == Storage.ALL ? n + 1 : n / lp.cfactor0() + (n % lp.cfactor0() == 0 ? 1 : 2);
            warmStates = 2L * kept * w * batch * p.bytes();
        }
        if (!lp.layerParallel() || lp.adaptive() != null) {
            m.tensors("layer states", 2L * n + 5, p, w, batch)
                    .tensors("gradient partials", (batch + SLICE - 1) / SLICE, p, 1, parameters);
        }
        if (validationSize > 0) {
            m.tensors("validation states", 2L * n + 5, p, w, validationSize)
                    .tensors("gradient partials", (validationSize + SLICE - 1) / SLICE, p, 1, parameters);
        }
        // A checkpoint is assembled on the heap before it is written, and a resumed one is held while the run lasts.
        int copies = resuming ? 2 : 1;
        if (s.optimizer().equals("lbfgs")) {
            m.heap("L-BFGS memory in checkpoints", copies * 2L * s.lbfgsMemory() * parameters * p.bytes());
        }
        return m.heap("checkpoint", copies * ((long) p.bytes() * parameters * 4 + warmStates));
    }
}

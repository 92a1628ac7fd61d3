package org.layerbraid.tools.model;

/**
 * What the cost model is asked about: the network's shape, the MGRIT settings and the number of workers.
 *
 * @param layers    N, residual layers
 * @param width     channels per state
 * @param batch     examples per evaluation
 * @param maxLevels the most MGRIT levels
 * @param minCoarse the fewest steps of a coarse level
 * @param cfactor0  coarsening factor from level 0
 * @param cfactor   coarsening factor between coarser levels
 * @param cfSweeps0 CF pairs after the F-relaxation on level 0 (0 = F, 1 = FCF)
 * @param cfSweeps  the same on the coarse levels
 * @param workers   P, threads or processes
 */
public record ModelConfig(int layers, int width, int batch, int maxLevels, int minCoarse, int cfactor0, int cfactor,
        int cfSweeps0, int cfSweeps, int workers) {

    public ModelConfig {
        positive("layers", layers);
        positive("width", width);
        positive("batch", batch);
        positive("max levels", maxLevels);
        positive("min coarse", minCoarse);
        positive("workers", workers);
        if (cfactor0 < 2 || cfactor < 2) {
            throw new IllegalArgumentException("coarsening factors must be at least 2, got " + cfactor0 + " and "
                    + cfactor);
        }
        if (cfSweeps0 < 0 || cfSweeps < 0) {
            throw new IllegalArgumentException("CF sweeps must be ≥ 0, got " + cfSweeps0 + " and " + cfSweeps);
        }
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, got " + value);
        }
    }

    /** The benchmarks' setting: up to 8 levels of at least 8 steps, c = 4, F on level 0 and FCF above. */
    public static ModelConfig reference(int layers, int width, int batch, int workers) {
        return new ModelConfig(layers, width, batch, 8, 8, 4, 4, 0, 1, workers);
    }

    public ModelConfig withLayers(int n) {
        return new ModelConfig(n, width, batch, maxLevels, minCoarse, cfactor0, cfactor, cfSweeps0, cfSweeps, workers);
    }

    public ModelConfig withBatch(int b) {
        return new ModelConfig(layers, width, b, maxLevels, minCoarse, cfactor0, cfactor, cfSweeps0, cfSweeps, workers);
    }

    public ModelConfig withWorkers(int p) {
        return new ModelConfig(layers, width, batch, maxLevels, minCoarse, cfactor0, cfactor, cfSweeps0, cfSweeps, p);
    }
}

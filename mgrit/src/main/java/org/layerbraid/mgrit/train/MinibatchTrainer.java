package org.layerbraid.mgrit.train;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.layerbraid.mgrit.io.SafeTensors;
import org.layerbraid.vecmath.Kernels;
import org.layerbraid.vecmath.Matrix;
import org.layerbraid.vecmath.Precision;
import org.layerbraid.vecmath.TensorArena;

/**
 * Minibatch training with SGD with momentum or Adam. Each epoch shuffles the training set with a generator
 * seeded from (seed, epoch), so an epoch's order depends on nothing else and a resumed run sees the same
 * batches; the last {@code n mod batch} examples of an epoch's order are left out. One history row per
 * epoch: means over its batches, and the validation accuracy at its end.
 */
public final class MinibatchTrainer implements AutoCloseable {
    /** The update rule. */
    public enum Method {
        /** v ← μ v − η g, x ← x + v. */
        SGD,
        /** Adam (Kingma and Ba) with bias correction. */
        ADAM
    }

    /** Loads the examples with the given indices into the objective's batch. */
    public interface BatchLoader {
        void load(int[] indices, int from, int count);
    }

    /** Hyper-parameters; β₁, β₂, ε are used by Adam only, momentum by SGD only. */
    public record Settings(Method method, double learningRate, double momentum, double beta1, double beta2,
            double epsilon, int batchSize, long seed) {
        public Settings {
            if (!(learningRate > 0) || !(momentum >= 0 && momentum < 1) || !(beta1 >= 0 && beta1 < 1)
                    || !(beta2 >= 0 && beta2 < 1) || !(epsilon > 0) || batchSize < 1) {
                throw new IllegalArgumentException("minibatch settings out of range: learning rate > 0, momentum, "
                        + "β₁, β₂ in [0, 1), ε > 0, batch ≥ 1; got " + this);
            }
        }
    }

    private final Kernels kernels;
    private final Objective objective;
    private final BatchLoader loader;
    private final Matrix x;
    private final Settings settings;
    private final int examples;
    private final int batch;
    private final TensorArena arena;
    private final Matrix gradient;
    private final Matrix first;
    private final Matrix second;
    private final int[] order;
    private int epoch;
    private long steps;
    private double secondsBefore;

    /**
     * @param objective evaluates the batch the loader filled last (batch size min(batch, examples))
     * @param examples  training examples in all
     */
    public MinibatchTrainer(Kernels kernels, Objective objective, BatchLoader loader, Matrix x, Settings settings,
            int examples) {
        this.kernels = kernels;
        this.objective = objective;
        this.loader = loader;
        this.x = x;
        this.settings = settings;
        this.examples = examples;
        this.batch = Math.min(settings.batchSize(), examples);
        this.arena = new TensorArena("optimiser");
        this.gradient = arena.vector(x.precision(), x.cols());
        this.first = arena.vector(x.precision(), x.cols());
        this.second = arena.vector(x.precision(), x.cols());
        this.order = new int[examples];
    }

    /** Runs epochs until {@code lastEpoch} epochs have been made in all. */
    public void run(int lastEpoch, FullBatchTrainer.Validation validation, Listener listener) {
        long start = System.nanoTime();
        while (epoch < lastEpoch) {
            shuffle(epoch);
            int batches = examples / batch;
            double objectiveSum = 0;
            double lossSum = 0;
            long correct = 0;
            double gnorm = 0;
            double stateResidual = 0;
            double adjointResidual = 0;
            for (int b = 0; b < batches; b++) {
                loader.load(order, b * batch, batch);
                double f = objective.valueAndGradient(x, gradient);
                gnorm = kernels.norm2(gradient);
                if (!Double.isFinite(f) || !Double.isFinite(gnorm)) {
                    throw new DivergedException("the objective became " + f + " (gradient norm " + gnorm
                            + ") in epoch " + epoch + ", batch " + b);
                }
                objectiveSum += f;
                lossSum += objective.lastLoss();
                correct += objective.lastCorrect();
                stateResidual = objective.lastStateResidual();
                adjointResidual = objective.lastAdjointResidual();
                step();
            }
            double seconds = secondsBefore + (System.nanoTime() - start) / 1e9;
            HistoryRow row = new HistoryRow(epoch, stateResidual, adjointResidual, objectiveSum / batches,
                    lossSum / batches, gnorm, settings.learningRate(), 0, 100.0 * correct / ((long) batches * batch), validation.accuracy(x),
                    seconds);
            epoch++;
            listener.iteration(row, this);
        }
    }

    /** What the trainer reports after each epoch. */
    public interface Listener {
        void iteration(HistoryRow row, MinibatchTrainer trainer);
    }

    private void shuffle(int e) {
        SplittableRandom random = new SplittableRandom(settings.seed() * 0x9E3779B97F4A7C15L + e);
        for (int i = 0; i < examples; i++) {
            order[i] = i;
        }
        for (int i = examples - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    private void step() {
        steps++;
        double lr = settings.learningRate();
        if (settings.method() == Method.SGD) {
            kernels.axpby(-lr, gradient, settings.momentum(), first);
            kernels.axpby(1, first, 1, x);
            return;
        }
        double b1 = settings.beta1();
        double b2 = settings.beta2();
        kernels.axpby(1 - b1, gradient, b1, first);
        double c1 = 1 - Math.pow(b1, steps);
        double c2 = 1 - Math.pow(b2, steps);
        // Elementwise squares, roots and quotients have no kernel; a scalar pass over the parameters is
        // small next to one forward and backward propagation.
        boolean f64 = x.precision() == Precision.F64;
        MemorySegment g = gradient.segment(), m = first.segment(), v = second.segment(), p = x.segment();
        for (long i = 0; i < x.cols(); i++) {
            double gi = get(g, i, f64);
            double vi = b2 * get(v, i, f64) + (1 - b2) * gi * gi;
            set(v, i, vi, f64);
            double mHat = get(m, i, f64) / c1;
            double vHat = get(v, i, f64) / c2;
            set(p, i, get(p, i, f64) - lr * mHat / (Math.sqrt(vHat) + settings.epsilon()), f64);
        }
    }

    private static double get(MemorySegment s, long i, boolean f64) {
        return f64 ? s.getAtIndex(ValueLayout.JAVA_DOUBLE, i) : s.getAtIndex(ValueLayout.JAVA_FLOAT, i);
    }

    private static void set(MemorySegment s, long i, double value, boolean f64) {
        if (f64) {
            s.setAtIndex(ValueLayout.JAVA_DOUBLE, i, value);
        } else {
            s.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) value);
        }
    }

    /** Epochs made so far (including before a resume). */
    public int epoch() {
        return epoch;
    }

    /** Adds the optimiser state to a checkpoint: moments (velocity for SGD), epochs and steps. */
    public void save(SafeTensors.Writer w) {
        w.add("optimizer.first", first, first.cols());
        w.add("optimizer.second", second, second.cols());
        w.add("optimizer.state", new long[] {epoch, steps});
    }

    /** Restores the state saved by {@link #save}, with the wall time of the run so far. */
    public void restore(SafeTensors file, double secondsDone) {
        file.copyInto("optimizer.first", first);
        file.copyInto("optimizer.second", second);
        long[] state = file.longs("optimizer.state");
        this.epoch = (int) state[0];
        this.steps = state[1];
        this.secondsBefore = secondsDone;
    }

    @Override
    public void close() {
        arena.close();
    }
}

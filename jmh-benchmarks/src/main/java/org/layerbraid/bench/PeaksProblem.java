package org.layerbraid.bench;

import org.layerbraid.mgrit.data.Peaks;
import org.layerbraid.mgrit.data.Split;
import org.layerbraid.mgrit.nn.Batch;
import org.layerbraid.mgrit.nn.Initialization;
import org.layerbraid.mgrit.nn.NetworkConfig;
import org.layerbraid.mgrit.nn.ResNet;
import org.layerbraid.vecmath.Activation;
import org.layerbraid.vecmath.Precision;
import org.layerbraid.vecmath.TensorArena;

/**
 * The network the layer benchmarks share: Peaks with the given depth, width and number of training examples,
 * smooth ReLU, scalar bias, f64 unless said otherwise, weights of order one (so the layers really mix the channels), all seeded.
 */
final class PeaksProblem implements AutoCloseable {
    final NetworkConfig config;
    final TensorArena arena = new TensorArena("benchmark");
    final ResNet model;
    final Batch batch;

    PeaksProblem(int layers, int width, int examples) {
        this(layers, width, examples, Precision.F64);
    }

    PeaksProblem(int layers, int width, int examples, Precision precision) {
        config = new NetworkConfig(2, 5, width, layers, 1.0, Activation.SMOOTH_RELU, NetworkConfig.Opening.DENSE,
                true, 1e-7, 1e-5, 1e-7, precision);
        Split split = Peaks.generate(examples, 1, 1);
        model = new ResNet(config);
        new Initialization(Initialization.Kind.NORMAL, 0.5, 0.5, 0.5).apply(model.parameters(), 1);
        batch = new Batch(split.train().toMatrix(arena, precision), split.train().labels());
    }

    @Override
    public void close() {
        model.close();
        arena.close();
    }
}

package org.layerbraid.mgrit.nn;

import org.layerbraid.vecmath.Kernels;
import org.layerbraid.vecmath.Matrix;
import org.layerbraid.vecmath.TensorArena;

/**
 * The classifier {@code W u_N + μ} with the mean softmax cross-entropy over the batch, its predictions, and
 * the adjoint {@code λ_N = Wᵀ ∂loss/∂logits} with the classifier's gradient.
 */
final class ClassifierLayer {
    private final Kernels kernels;
    private final int[] labels;
    private final Matrix logits;
    private final Matrix dLogits;
    private final int[] predictions;

    ClassifierLayer(Kernels kernels, NetworkConfig config, int[] labels, TensorArena arena) {
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= config.classes()) {
                throw new IllegalArgumentException("label " + labels[i] + " of example " + i + " is not in [0, "
                        + config.classes() + ")");
            }
        }
        this.kernels = kernels;
        this.labels = labels;
        this.logits = arena.matrix(config.precision(), config.classes(), labels.length);
        this.dLogits = arena.matrix(config.precision(), config.classes(), labels.length);
        this.predictions = new int[labels.length];
    }

    /** The mean loss; also keeps ∂loss/∂logits when {@code gradient} is set, and the predictions. */
    double forward(Parameters p, Matrix uN, boolean gradient) {
        kernels.gemm(false, false, 1, p.classifierWeights(), uN, 0, logits);
        kernels.addBias(p.classifierBias(), logits);
        double sum = kernels.softmaxCrossEntropy(logits, labels, 0, 1.0 / labels.length, gradient ? dLogits : null);
        kernels.argmax(logits, predictions, 0);
        return sum / labels.length;
    }

    /** Examples whose prediction (at the last forward) equals the label. */
    int correct() {
        int n = 0;
        for (int i = 0; i < labels.length; i++) {
            if (predictions[i] == labels[i]) {
                n++;
            }
        }
        return n;
    }

    /** The predicted class of each example at the last forward (shared array: copy to keep). */
    int[] predictions() {
        return predictions;
    }

    /** Adds the classifier's gradient and writes λ_N; needs a forward with {@code gradient} set. */
    void backward(Parameters p, Parameters gradient, Matrix uN, Matrix lambdaN) {
        kernels.weightGradient(dLogits, uN, gradient.classifierWeights());
        kernels.rowSums(dLogits, gradient.classifierBias());
        kernels.gemm(true, false, 1, p.classifierWeights(), dLogits, 0, lambdaN);
    }
}

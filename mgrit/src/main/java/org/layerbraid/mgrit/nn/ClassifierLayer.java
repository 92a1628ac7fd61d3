package org.layerbraid.mgrit.nn;

import org.layerbraid.vecmath.Kernels;
import org.layerbraid.vecmath.Matrix;
import org.layerbraid.vecmath.TensorArena;

/**
 * The classifier {@code W u_N + μ} with softmax cross-entropy for one slice of the batch (columns
 * {@code first …}), its predictions, and the adjoint {@code λ_N = Wᵀ ∂loss/∂logits} with the classifier's
 * gradient.
 */
final class ClassifierLayer {
    private final Kernels kernels;
    private final int[] labels;
    private final int first;
    private final Matrix uN;
    private final Matrix logits;
    private final Matrix dLogits;
    private final int[] predictions;

    /**
     * @param labels      the whole batch's labels (read at evaluation time: a minibatch loader may refill them)
     * @param first       the slice's first column in the batch
     * @param uN          width × slice, the slice's view of the last state
     * @param predictions the whole batch's predictions, written for the slice's columns
     */
    ClassifierLayer(Kernels kernels, NetworkConfig config, int[] labels, int first, Matrix uN, int[] predictions,
            TensorArena arena) {
        this.kernels = kernels;
        this.labels = labels;
        this.first = first;
        this.uN = uN;
        this.logits = arena.matrix(config.precision(), config.classes(), uN.cols());
        this.dLogits = arena.matrix(config.precision(), config.classes(), uN.cols());
        this.predictions = predictions;
    }

    /**
     * The summed loss of the slice; keeps {@code gradScale · ∂loss/∂logits} when {@code gradient} is set
     * (gradScale = 1 / batch for the mean loss), and the predictions.
     */
    double forward(Parameters p, boolean gradient, double gradScale) {
        kernels.gemm(false, false, 1, p.classifierWeights(), uN, 0, logits);
        kernels.addBias(p.classifierBias(), logits);
        double sum = kernels.softmaxCrossEntropy(logits, labels, first, gradScale, gradient ? dLogits : null);
        kernels.argmax(logits, predictions, first);
        return sum;
    }

    /** Examples of the slice predicted correctly at the last forward. */
    int correct() {
        int n = 0;
        for (int i = first; i < first + uN.cols(); i++) {
            if (predictions[i] == labels[i]) {
                n++;
            }
        }
        return n;
    }

    /** Adds the classifier's gradient and writes λ_N (width × slice); needs a forward with gradient set. */
    void backward(Parameters p, Parameters gradient, Matrix lambdaN) {
        kernels.weightGradient(dLogits, uN, gradient.classifierWeights());
        kernels.rowSums(dLogits, gradient.classifierBias());
        kernels.gemm(true, false, 1, p.classifierWeights(), dLogits, 0, lambdaN);
    }
}

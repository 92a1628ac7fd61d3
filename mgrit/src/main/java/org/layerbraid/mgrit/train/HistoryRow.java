package org.layerbraid.mgrit.train;

/**
 * One optimisation iteration as logged, with the reference code's columns.
 *
 * @param stateResidual          norm of the forward (state) MGRIT residual; 0 for exact serial propagation
 * @param adjointResidual        norm of the adjoint MGRIT residual; 0 for exact serial propagation
 * @param objective              loss plus regularisation
 * @param gradientNorm           Euclidean norm of the objective's gradient
 * @param step                   step length accepted by the line search (or the learning rate)
 * @param lineSearchIterations   step halvings the line search needed
 * @param trainAccuracy          percentage of training examples classified correctly
 * @param validationAccuracy     percentage of validation examples classified correctly (NaN without validation)
 * @param seconds                wall time since the start of training (including earlier runs when resumed)
 */
public record HistoryRow(int iteration, double stateResidual, double adjointResidual, double objective, double loss,
        double gradientNorm, double step, int lineSearchIterations, double trainAccuracy, double validationAccuracy,
        double seconds) {

    /** Column names, in order, as written to history.csv and as keys of history.jsonl. */
    public static final String[] COLUMNS = {"iteration", "state_residual", "adjoint_residual", "objective", "loss",
        "gradient_norm", "step", "ls_iterations", "train_accuracy", "validation_accuracy", "seconds"};
}

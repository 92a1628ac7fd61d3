/**
 * LayerBraid's public API: one runtime and three front doors.
 * <ul>
 * <li>{@link org.layerbraid.mgrit.api.LayerBraid}: the runtime, what is process-wide (the kernel choice, one worker
 * pool with its idle strategy); {@code AutoCloseable}.</li>
 * <li>Inference: {@link org.layerbraid.mgrit.api.Model} (immutable, shared) and
 * {@link org.layerbraid.mgrit.api.Predictor} (one per thread, allocation-free).</li>
 * <li>Training: {@link org.layerbraid.mgrit.api.Training}, from {@code LayerBraid.training()}.</li>
 * <li>Solving: {@link org.layerbraid.mgrit.api.MgritSolve} from {@code LayerBraid.mgrit(…)} on a
 * {@link org.layerbraid.mgrit.api.Step} or a {@link org.layerbraid.mgrit.solver.Propagator}, and
 * {@link org.layerbraid.mgrit.api.PropagatorCheck} for a user's chain.</li>
 * </ul>
 * The API hands out a few types of other packages, which are public API too: {@code solver.Propagator},
 * {@code solver.MgritOptions} (with {@code solver.Storage}), {@code solver.SolveStatistics}, {@code solver.IterationListener},
 * {@code solver.ForwardSolver}, {@code solver.AdjointSolver}; {@code training.TrainSettings},
 * {@code training.LayerParallelSettings}, {@code training.TrainingListener}; {@code train.HistoryRow};
 * {@code data.Standardization}; {@code nn.NetworkConfig}, {@code nn.ResNet}; {@code vecmath.Matrix},
 * {@code vecmath.Kernels}, {@code vecmath.Precision}, {@code vecmath.Activation}. Everything else is the machinery
 * underneath and may change between versions. No public signature of the API exposes a Jackson type.
 */
package org.layerbraid.mgrit.api;

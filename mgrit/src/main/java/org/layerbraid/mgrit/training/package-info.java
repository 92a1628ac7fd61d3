/**
 * A training run as a whole, from settings to a run folder: {@link org.layerbraid.mgrit.training.TrainSettings}
 * (validated, JSON in checkpoints and summaries), how the layers are propagated
 * ({@link org.layerbraid.mgrit.training.LayerParallelSettings}), the data the settings name, the history files, the
 * checkpoint format and resume ({@link org.layerbraid.mgrit.training.TrainingRun}), watched through a
 * {@link org.layerbraid.mgrit.training.TrainingListener}. The command line and {@code api.Training} are its clients.
 */
package org.layerbraid.mgrit.training;

package org.layerbraid.mgrit.mpi;

import java.nio.file.Path;
import org.layerbraid.mgrit.exec.WorkerPool;
import org.layerbraid.mgrit.training.TrainingListener;
import org.layerbraid.mgrit.training.TrainingRun;

/**
 * One rank of {@link MpiTest}'s jobs: one-shot training of {@link MpiTest#settings} for the given iterations into
 * a folder, resuming from a checkpoint when one is given. Run under mpirun.
 */
public final class MpiTrainingMain {
    private MpiTrainingMain() {
    }

    /** {@code OUT ITERATIONS [CHECKPOINT]} */
    public static void main(String[] args) throws Exception {
        try (Mpi mpi = Mpi.init(); WorkerPool pool = new WorkerPool(Integer.parseInt(args[2]))) {
            Path resume = args.length > 3 ? Path.of(args[3]) : null;
            TrainingRun.execute(MpiTest.settings(Integer.parseInt(args[1]), Integer.parseInt(args[2])), Path.of(args[0]),
                    resume, TrainingListener.NONE, pool, mpi);
        }
    }
}

package org.layerbraid.mgrit.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class WorkerIndexTest {
    @Test
    void everyWorkerKnowsItsIndexAndOtherThreadsAreWorkerZero() throws InterruptedException {
        try (WorkerPool pool = new WorkerPool(3)) {
            int[] seen = {-1, -1, -1};
            pool.run((t, p) -> seen[t] = pool.workerIndex());
            assertArrayEquals(new int[] {0, 1, 2}, seen);
            assertEquals(0, pool.workerIndex());
            int[] outside = {-1};
            Thread other = Thread.ofPlatform().start(() -> outside[0] = pool.workerIndex());
            other.join();
            assertEquals(0, outside[0]);
        }
    }
}

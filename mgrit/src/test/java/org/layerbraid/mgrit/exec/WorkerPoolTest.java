package org.layerbraid.mgrit.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Uses BACKOFF and PARK except where SPIN itself is tested: the test machine has two shared cores. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WorkerPoolTest {

    @ParameterizedTest
    @EnumSource(value = IdlePolicy.class, names = {"BACKOFF", "PARK"})
    void everyIndexIsVisitedExactlyOnce(IdlePolicy policy) {
        for (int p = 1; p <= 5; p++) {
            try (WorkerPool pool = new WorkerPool(p, policy)) {
                for (int n : new int[] {0, 1, 2, 3, 4, 7, 100, 1023}) {
                    AtomicIntegerArray visits = new AtomicIntegerArray(n);
                    pool.run((t, workers) -> {
                        for (int i = Partition.from(t, workers, n), end = Partition.to(t, workers, n); i < end;
                                i++) {
                            visits.incrementAndGet(i);
                        }
                    });
                    for (int i = 0; i < n; i++) {
                        assertEquals(1, visits.get(i), "index " + i + " of " + n + " with " + p + " workers");
                    }
                }
            }
        }
    }

    @Test
    void eachWorkerIndexRunsOnceOnItsOwnThreadAndZeroOnTheCaller() {
        try (WorkerPool pool = new WorkerPool(4, IdlePolicy.BACKOFF)) {
            AtomicIntegerArray calls = new AtomicIntegerArray(4);
            Thread[] seen = new Thread[4];
            int[] sizes = new int[4];
            pool.run((t, workers) -> {
                calls.incrementAndGet(t);
                seen[t] = Thread.currentThread();
                sizes[t] = workers;
            });
            assertSame(Thread.currentThread(), seen[0]);
            for (int t = 0; t < 4; t++) {
                assertEquals(1, calls.get(t));
                assertEquals(4, sizes[t]);
                if (t > 0) {
                    assertEquals("layerbraid-worker-" + t, seen[t].getName());
                    assertTrue(seen[t].isDaemon());
                }
            }
            assertEquals(4, pool.workers());
            assertEquals(IdlePolicy.BACKOFF, pool.idlePolicy());
        }
    }

    @Test
    void reductionsInWorkerOrderAreIdenticalAcrossRuns() {
        double[] values = new SplittableRandom(7).doubles(10_007, -1, 1).toArray();
        for (int p = 1; p <= 4; p++) {
            try (WorkerPool pool = new WorkerPool(p, IdlePolicy.BACKOFF)) {
                double[] partial = new double[p];
                Region sum = (t, workers) -> {
                    double s = 0;
                    int end = Partition.to(t, workers, values.length);
                    for (int i = Partition.from(t, workers, values.length); i < end; i++) {
                        s += values[i] * values[i];
                    }
                    partial[t] = s;
                };
                double expected = serialReduction(values, p);
                for (int run = 0; run < 200; run++) {
                    pool.run(sum);
                    double total = 0;
                    for (double s : partial) {
                        total += s;
                    }
                    assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(total));
                }
            }
        }
    }

    private static double serialReduction(double[] values, int p) {
        double total = 0;
        for (int t = 0; t < p; t++) {
            double s = 0;
            for (int i = Partition.from(t, p, values.length); i < Partition.to(t, p, values.length); i++) {
                s += values[i] * values[i];
            }
            total += s;
        }
        return total;
    }

    @ParameterizedTest
    @EnumSource(value = IdlePolicy.class, names = {"BACKOFF", "PARK"})
    void oneWorkerFailingSurfacesInTheCallerAndThePoolGoesOn(IdlePolicy policy) {
        try (WorkerPool pool = new WorkerPool(3, policy)) {
            IllegalArgumentException cause = new IllegalArgumentException("root");
            var e = assertThrows(IllegalStateException.class, () -> pool.run((t, workers) -> {
                if (t == 2) {
                    throw new IllegalStateException("worker 2 broke", cause);
                }
            }));
            assertEquals("worker 2 broke", e.getMessage());
            assertSame(cause, e.getCause());
            assertEquals(0, e.getSuppressed().length);
            assertPoolWorks(pool);
        }
    }

    @Test
    void severalFailuresSurfaceAsTheFirstWithTheOthersSuppressed() {
        try (WorkerPool pool = new WorkerPool(4, IdlePolicy.BACKOFF)) {
            var e = assertThrows(RuntimeException.class, () -> pool.run((t, workers) -> {
                if (t != 2) {
                    throw new RuntimeException("worker " + t);
                }
            }));
            assertEquals("worker 0", e.getMessage());
            assertEquals(2, e.getSuppressed().length);
            assertEquals("worker 1", e.getSuppressed()[0].getMessage());
            assertEquals("worker 3", e.getSuppressed()[1].getMessage());
            assertPoolWorks(pool);
            // Errors pass through as they are.
            assertThrows(AssertionError.class, () -> pool.run((t, workers) -> {
                if (t == 1) {
                    throw new AssertionError("boom");
                }
            }));
            assertPoolWorks(pool);
        }
    }

    @Test
    void aSingleWorkerPoolRunsInlineAndPropagatesFailures() {
        int before = workerThreads();
        try (WorkerPool pool = new WorkerPool(1)) {
            assertEquals(before, workerThreads());
            assertPoolWorks(pool);
            var e = assertThrows(ArithmeticException.class, () -> pool.run((t, workers) -> {
                throw new ArithmeticException("x");
            }));
            assertEquals("x", e.getMessage());
            assertPoolWorks(pool);
        }
    }

    @ParameterizedTest
    @EnumSource(value = IdlePolicy.class, names = {"BACKOFF", "PARK"})
    @SuppressWarnings("try") // closing the pool from inside a region is the misuse under test
    void nestedRegionsAreRefusedWithoutDeadlock(IdlePolicy policy) {
        for (int p : new int[] {1, 2, 3}) {
            try (WorkerPool pool = new WorkerPool(p, policy)) {
                int nester = p - 1;
                var e = assertThrows(IllegalStateException.class, () -> pool.run((t, workers) -> {
                    if (t == nester) {
                        pool.run((u, w) -> { });
                    }
                }));
                assertEquals("parallel regions cannot nest or overlap: this pool is already running one",
                        e.getMessage());
                assertThrows(IllegalStateException.class, () -> pool.run((t, workers) -> pool.close()));
                assertPoolWorks(pool);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(IdlePolicy.class)
    void closeEndsAndJoinsAllThreads(IdlePolicy policy) throws InterruptedException {
        int before = workerThreads();
        WorkerPool pool = new WorkerPool(4, policy);
        assertEquals(before + 3, workerThreads());
        assertPoolWorks(pool);
        // Let PARK workers block, so close must wake them.
        Thread.sleep(20);
        pool.close();
        assertEquals(before, workerThreads());
        pool.close();
        var e = assertThrows(IllegalStateException.class, () -> pool.run((t, workers) -> { }));
        assertEquals("the worker pool is closed", e.getMessage());
    }

    @Test
    void badSizesAreRefused() {
        for (int workers : new int[] {0, -1, WorkerPool.MAX_WORKERS + 1}) {
            var e = assertThrows(IllegalArgumentException.class, () -> new WorkerPool(workers));
            assertEquals("workers must be between 1 and 256, got " + workers, e.getMessage());
        }
        assertThrows(NullPointerException.class, () -> new WorkerPool(2, null));
        try (WorkerPool pool = new WorkerPool(2)) {
            assertThrows(NullPointerException.class, () -> pool.run(null));
            assertPoolWorks(pool);
        }
    }

    @Test
    void regionsAllocateNothingOnTheCaller() {
        var bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean b && b.isThreadAllocatedMemorySupported()
                && b.isThreadAllocatedMemoryEnabled(), "allocation measurement not supported");
        var threads = (com.sun.management.ThreadMXBean) bean;
        int regions = 100_000;
        try (WorkerPool pool = new WorkerPool(2, IdlePolicy.BACKOFF)) {
            long[] counts = new long[2];
            Region body = (t, workers) -> counts[t]++;
            for (int i = 0; i < 20_000; i++) {
                pool.run(body);
            }
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < regions; i++) {
                pool.run(body);
            }
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertTrue(allocated < regions, allocated + " bytes allocated in " + regions + " regions");
            assertEquals(120_000, counts[0]);
            assertEquals(120_000, counts[1]);
        }
    }

    @ParameterizedTest
    @EnumSource(value = IdlePolicy.class, names = {"BACKOFF", "PARK"})
    void manyShortRegionsFinishQuicklyEvenOversubscribed(IdlePolicy policy) {
        for (int p = 2; p <= 4; p++) {
            try (WorkerPool pool = new WorkerPool(p, policy)) {
                long[] sums = new long[p * 16];
                Region body = (t, workers) -> sums[t * 16] += t + 1;
                int regions = 20_000;
                long start = System.nanoTime();
                for (int i = 0; i < regions; i++) {
                    pool.run(body);
                }
                double seconds = (System.nanoTime() - start) * 1e-9;
                for (int t = 0; t < p; t++) {
                    assertEquals((long) regions * (t + 1), sums[t * 16]);
                }
                assertTrue(seconds < 5, regions + " regions on " + p + " workers with " + policy + " took "
                        + seconds + " s");
            }
        }
    }

    @Test
    void spinWorksWhenThereAreCores() {
        try (WorkerPool pool = new WorkerPool(2, IdlePolicy.SPIN)) {
            for (int i = 0; i < 1_000; i++) {
                assertPoolWorks(pool);
            }
        }
    }

    private static void assertPoolWorks(WorkerPool pool) {
        int p = pool.workers();
        int[] hits = new int[p];
        pool.run((t, workers) -> hits[t]++);
        int[] ones = new int[p];
        Arrays.fill(ones, 1);
        assertArrayEquals(ones, hits);
    }

    private static int workerThreads() {
        int n = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("layerbraid-worker-") && t.isAlive()) {
                n++;
            }
        }
        return n;
    }

    @Test
    void closingLeavesTheCallerUninterrupted() {
        for (IdlePolicy policy : IdlePolicy.values()) {
            WorkerPool pool = new WorkerPool(3, policy);
            pool.run((worker, workers) -> { });
            pool.close();
            assertTrue(!Thread.interrupted(), policy + ": close must not leave an interrupt behind");
        }
    }
}

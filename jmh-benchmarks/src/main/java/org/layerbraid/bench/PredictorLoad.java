package org.layerbraid.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.layerbraid.mgrit.api.Model;
import org.layerbraid.mgrit.api.Predictor;
import org.layerbraid.vecmath.Precision;

/**
 * A load test of single-example inference as a service sees it: {@code threads} request threads, each with its own
 * {@link Predictor}, predict back to back for a fixed time; every call's latency goes into an HdrHistogram (1 ns to
 * 10 s, 3 significant digits), and the run reports percentiles, the bytes each thread allocated per prediction
 * (HotSpot's per-thread allocation counter, which includes anything the histogram or the loop would allocate) and
 * the garbage collections during the measurement.
 */
public final class PredictorLoad {
    private PredictorLoad() {
    }

    /** One load test's figures; latencies in nanoseconds. */
    public record Result(String network, Precision precision, int threads, double seconds, long predictions,
            long p50, long p99, long p999, long max, double bytesPerPrediction, long collections) {
    }

    /**
     * Runs the load test on one of {@link PredictorBench}'s networks: a warm-up of {@code warmupSeconds}, then
     * {@code seconds} measured.
     */
    public static Result run(String network, Precision precision, int threads, double warmupSeconds, double seconds)
            throws InterruptedException {
        Model model = PredictorBench.model(network, precision);
        double[] inputs = PredictorBench.inputs(model, EXAMPLES, 3);
        List<Worker> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            workers.add(new Worker(model, inputs, (long) (warmupSeconds * 1e9), (long) (seconds * 1e9)));
        }
        long gcBefore = collections();
        List<Thread> running = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            running.add(Thread.ofPlatform().name("load-" + t).start(workers.get(t)));
        }
        for (Thread t : running) {
            t.join();
        }
        long gc = collections() - gcBefore;
        Histogram all = new Histogram(1, 10_000_000_000L, 3);
        long bytes = 0;
        for (Worker w : workers) {
            all.add(w.histogram);
            bytes += w.allocated;
        }
        long n = all.getTotalCount();
        return new Result(network, precision, threads, seconds, n, all.getValueAtPercentile(50),
                all.getValueAtPercentile(99), all.getValueAtPercentile(99.9), all.getMaxValue(),
                n == 0 ? Double.NaN : (double) bytes / n, gc);
    }

    /** Distinct examples the threads cycle through (a 2-feature network's inputs stay in L1). */
    private static final int EXAMPLES = 1024;

    private static long collections() {
        long sum = 0;
        for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
            sum += Math.max(0, b.getCollectionCount());
        }
        return sum;
    }

    /** One request thread: warm-up, then measured predictions. */
    private static final class Worker implements Runnable {
        private final Predictor predictor;
        private final double[] inputs;
        private final double[] x;
        private final double[] probabilities;
        private final long warmupNanos;
        private final long measureNanos;
        final Histogram histogram = new Histogram(1, 10_000_000_000L, 3);
        long allocated;

        Worker(Model model, double[] inputs, long warmupNanos, long measureNanos) {
            this.predictor = model.predictor();
            this.inputs = inputs;
            this.x = new double[model.features()];
            this.probabilities = new double[model.classes()];
            this.warmupNanos = warmupNanos;
            this.measureNanos = measureNanos;
        }

        @Override
        public void run() {
            loop(warmupNanos, false);
            var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long before = threads.getCurrentThreadAllocatedBytes();
            loop(measureNanos, true);
            allocated = threads.getCurrentThreadAllocatedBytes() - before;
        }

        private void loop(long nanos, boolean record) {
            int d = x.length;
            long end = System.nanoTime() + nanos;
            int e = 0;
            long now = System.nanoTime();
            while (now < end) {
                System.arraycopy(inputs, e * d, x, 0, d);
                e = (e + 1) % EXAMPLES;
                predictor.probabilities(x, probabilities);
                long after = System.nanoTime();
                if (record) {
                    histogram.recordValue(Math.max(1, after - now));
                }
                now = after;
            }
        }
    }
}

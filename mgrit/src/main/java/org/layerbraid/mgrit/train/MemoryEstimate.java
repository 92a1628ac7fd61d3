package org.layerbraid.mgrit.train;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.layerbraid.mgrit.solver.Hierarchy;
import org.layerbraid.mgrit.solver.MgritOptions;
import org.layerbraid.mgrit.solver.Storage;
import org.layerbraid.vecmath.Precision;
import org.layerbraid.vecmath.TensorArena;

/**
 * What a run will allocate, added up part by part before anything is allocated, and checked against what the
 * process can have: the JVM's maximum heap for arrays on the heap, the machine's memory for everything (off-heap
 * tensors are not bounded by any JVM limit, so the machine's memory is theirs). A run that cannot fit is refused
 * with one line naming the largest parts, instead of growing until an {@link OutOfMemoryError} or the kernel's
 * out-of-memory killer ends it. The figures are estimates of the big blocks (states, vectors of parameters,
 * data), not of every object.
 */
public final class MemoryEstimate {
    /** Headroom for what is not counted: code, small objects, the JIT, buffers. */
    private static final long BASE = 64L << 20;
    /** Bookkeeping per off-heap tensor besides its values (the Matrix object, the segment, alignment). */
    private static final long PER_TENSOR = 192;

    private record Part(String what, long bytes, boolean heap) {
    }

    private final List<Part> parts = new ArrayList<>();

    /** Adds {@code count} off-heap {@code rows × cols} tensors (padded rows, as {@link TensorArena#matrix} lays them). */
    public MemoryEstimate tensors(String what, long count, Precision precision, long rows, long cols) {
        long perLine = TensorArena.ALIGNMENT / precision.bytes();
        long ld = (cols + perLine - 1) / perLine * perLine;
        return offHeap(what, saturatedMultiply(count, saturatedAdd(saturatedMultiply(rows * ld, precision.bytes()),
                PER_TENSOR)));
    }

    /** Adds a block of native (off-heap) memory. */
    public MemoryEstimate offHeap(String what, long bytes) {
        parts.add(new Part(what, Math.max(0, bytes), false));
        return this;
    }

    /** Adds a block on the Java heap. */
    public MemoryEstimate heap(String what, long bytes) {
        parts.add(new Part(what, Math.max(0, bytes), true));
        return this;
    }

    /**
     * The MGRIT states of one solve of N = {@code steps} steps with {@code options}: every point of every level, the
     * right-hand sides of the coarse levels, the side products of the finest level when kept (forward solves), and
     * three scratch states per worker. With C-point storage the finest level keeps every c_0-th state and the last
     * and no side products, plus a carry per worker when it has CF sweeps, and an adjoint solve c_0 recomputed states
     * and side products per worker.
     */
    public MemoryEstimate mgritStates(String what, MgritOptions options, int steps, double h, boolean forward,
            int workers, Precision precision, int width, int batch) {
        Hierarchy hierarchy = options.hierarchy(steps, h);
        long states = 3L * workers;
        for (int l = 1; l < hierarchy.levels(); l++) {
            states += 2L * (hierarchy.steps(l) + 1) - 1;
        }
        if (options.storage() == Storage.ALL) {
            states += steps + 1L + (forward ? steps : 0);
        } else {
            int c = options.cfactor(0);
            states += steps / c + (steps % c == 0 ? 1 : 2) + (options.cfSweeps(0) > 0 ? workers : 0)
                    + (forward ? 0 : 2L * c * workers);
        }
        return tensors(what, states, precision, width, batch);
    }

    /** The bytes on the heap. */
    public long heapBytes() {
        return parts.stream().filter(Part::heap).mapToLong(Part::bytes).reduce(0, MemoryEstimate::saturatedAdd);
    }

    /** All bytes, heap and native. */
    public long totalBytes() {
        return saturatedAdd(BASE, parts.stream().mapToLong(Part::bytes).reduce(0, MemoryEstimate::saturatedAdd));
    }

    /**
     * Refuses, in one line, a run that cannot fit this JVM's heap or this machine's memory.
     *
     * @param advice what to change, appended to the message (e.g. "lower --lbfgs-memory or --layers")
     * @throws IllegalArgumentException when it does not fit
     */
    public void check(String advice) {
        check(Runtime.getRuntime().maxMemory(), machineMemory(), advice);
    }

    /** {@link #check(String)} against given limits. */
    void check(long maxHeap, long machine, String advice) {
        long heap = heapBytes();
        long total = totalBytes();
        if (heap > maxHeap) {
            throw new IllegalArgumentException("this run needs ≈ " + size(heap) + " on the heap (" + largest(true)
                    + "), this JVM can use " + size(maxHeap) + " (-Xmx): " + advice);
        }
        if (machine > 0 && total > machine) {
            throw new IllegalArgumentException("this run needs ≈ " + size(total) + " (" + largest(false) + "), this "
                    + "machine has " + size(machine) + ": " + advice);
        }
    }

    /** The machine's memory (the container's limit where there is one), or 0 when it cannot be told. */
    public static long machineMemory() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return 0;
    }

    /** The two largest parts, e.g. "L-BFGS memory 9.6 GB, MGRIT states 1.2 GB". */
    private String largest(boolean heapOnly) {
        return String.join(", ", parts.stream().filter(p -> !heapOnly || p.heap())
                .sorted(Comparator.comparingLong(Part::bytes).reversed()).limit(2)
                .map(p -> p.what() + " " + size(p.bytes())).toList());
    }

    /** Bytes in the unit that reads best: "812 MB", "9.6 GB", "1.1 TB". */
    static String size(long bytes) {
        String[] units = {"bytes", "kB", "MB", "GB", "TB", "PB", "EB"};
        double v = bytes;
        int u = 0;
        while (v >= 1000 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return u == 0 ? bytes + " bytes" : String.format(Locale.ROOT, v < 10 ? "%.1f %s" : "%.0f %s", v, units[u]);
    }

    static long saturatedMultiply(long a, long b) {
        long high = Math.multiplyHigh(a, b);
        long low = a * b;
        return high == 0 && low >= 0 ? low : Long.MAX_VALUE;
    }

    static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }
}

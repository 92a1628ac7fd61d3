package org.layerbraid.vecmath;

import java.lang.foreign.MemorySegment;

/**
 * Loads every kind of heap memory segment before any kernel is compiled. While only native segments exist,
 * the JIT compiles the kernels' segment accesses assuming no other kind can appear; the first heap segment
 * made later (a file write's {@code MemorySegment.ofArray}, say, at a training run's first checkpoint) then
 * discards every compiled kernel at once, and the Vector API runs interpreted until they are compiled again:
 * about a second of the default training run. Loading the kinds up front costs microseconds, and the kernels,
 * which only ever see native segments, are compiled as fast as before.
 */
final class SegmentKinds {
    private SegmentKinds() {
    }

    static void load() {
        MemorySegment.ofArray(new byte[0]);
        MemorySegment.ofArray(new char[0]);
        MemorySegment.ofArray(new short[0]);
        MemorySegment.ofArray(new int[0]);
        MemorySegment.ofArray(new float[0]);
        MemorySegment.ofArray(new long[0]);
        MemorySegment.ofArray(new double[0]);
    }
}

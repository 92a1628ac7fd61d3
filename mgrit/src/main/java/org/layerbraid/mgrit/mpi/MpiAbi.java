package org.layerbraid.mgrit.mpi;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;

/**
 * How one MPI implementation spells the handles the binding uses. Open MPI's handles are the addresses of
 * global objects in libmpi ({@code MPI_COMM_WORLD} is {@code &ompi_mpi_comm_world}); MPICH's are integer constants
 * and the MPI-5 standard ABI has its own: each would be another implementation of this interface beside Open MPI's,
 * and nothing else in the binding changes.
 */
interface MpiAbi {
    /** MPI_COMM_WORLD, as passed by value. */
    MemorySegment commWorld();

    /** MPI_BYTE. */
    MemorySegment byteType();

    /** MPI_STATUS_IGNORE and MPI_STATUSES_IGNORE. */
    MemorySegment statusIgnore();

    /** MPI_THREAD_FUNNELED: only the thread that initialised MPI calls it. */
    int threadFunneled();

    /** Open MPI (libmpi.so.40 of Open MPI 3, 4 and 5). */
    static MpiAbi openMpi(SymbolLookup libmpi) {
        MemorySegment world = symbol(libmpi, "ompi_mpi_comm_world");
        MemorySegment bytes = symbol(libmpi, "ompi_mpi_byte");
        return new MpiAbi() {
            @Override
            public MemorySegment commWorld() {
                return world;
            }

            @Override
            public MemorySegment byteType() {
                return bytes;
            }

            @Override
            public MemorySegment statusIgnore() {
                return MemorySegment.NULL;
            }

            @Override
            public int threadFunneled() {
                return 1;
            }
        };
    }

    private static MemorySegment symbol(SymbolLookup lookup, String name) {
        return lookup.find(name).orElseThrow(() -> new IllegalStateException("the MPI library has no symbol " + name
                + ": it is not Open MPI (the only MPI this binding knows so far)"));
    }
}

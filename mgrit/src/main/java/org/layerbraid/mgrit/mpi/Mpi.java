package org.layerbraid.mgrit.mpi;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.layerbraid.mgrit.solver.Communicator;

/**
 * The processes of an MPI job as a {@link Communicator}: the system's MPI library called through the FFM API, only
 * the calls the engine needs (init with one calling thread, rank and size, non-blocking send, receive and
 * broadcast straight from and into the off-heap tensor memory, abort, finalize). Waiting polls with a time-out, so
 * a rank that died or hangs ends the run with one sentence instead of a silent hang.
 * <p>
 * One per process: {@link #init} once, {@link #close} (MPI_Finalize) at the end.
 */
public final class Mpi implements Communicator, AutoCloseable {
    /** The library's name as Debian's libopenmpi-dev and most clusters install it. */
    private static final String LIBRARY = "libmpi.so.40";
    /** Environment variable overriding the time-out in seconds. */
    public static final String TIMEOUT_VARIABLE = "LAYERBRAID_MPI_TIMEOUT";
    private static final int DEFAULT_TIMEOUT_SECONDS = 300;
    /** Bytes per message at most (MPI counts are ints); larger segments go in pieces. */
    private static final long PIECE = 1L << 30;
    private static final int TAG = 7;
    private static final int RTLD_NOW = 2;
    private static final int RTLD_GLOBAL = 0x100;

    private final Arena arena = Arena.ofShared();
    private final MpiAbi abi;
    private final MethodHandle isend;
    private final MethodHandle irecv;
    private final MethodHandle ibcast;
    private final MethodHandle testall;
    private final MethodHandle abort;
    private final MethodHandle finalizer;
    private final int rank;
    private final int size;
    private final long timeoutNanos;
    /** Requests posted since the last {@link #complete}. */
    private MemorySegment requests;
    private int posted;
    private final MemorySegment flag;
    private boolean closed;

    private Mpi(SymbolLookup lib, MpiAbi abi, long timeoutNanos) throws Throwable {
        Linker linker = Linker.nativeLinker();
        this.abi = abi;
        this.timeoutNanos = timeoutNanos;
        ValueLayout.OfInt i = ValueLayout.JAVA_INT;
        java.lang.foreign.AddressLayout p = ValueLayout.ADDRESS;
        MethodHandle init = downcall(lib, linker, "MPI_Init_thread", FunctionDescriptor.of(i, p, p, i, p));
        MethodHandle commRank = downcall(lib, linker, "MPI_Comm_rank", FunctionDescriptor.of(i, p, p));
        MethodHandle commSize = downcall(lib, linker, "MPI_Comm_size", FunctionDescriptor.of(i, p, p));
        this.isend = downcall(lib, linker, "MPI_Isend", FunctionDescriptor.of(i, p, i, p, i, i, p, p));
        this.irecv = downcall(lib, linker, "MPI_Irecv", FunctionDescriptor.of(i, p, i, p, i, i, p, p));
        this.ibcast = downcall(lib, linker, "MPI_Ibcast", FunctionDescriptor.of(i, p, i, p, i, p, p));
        this.testall = downcall(lib, linker, "MPI_Testall", FunctionDescriptor.of(i, i, p, p, p));
        this.abort = downcall(lib, linker, "MPI_Abort", FunctionDescriptor.of(i, p, i));
        this.finalizer = downcall(lib, linker, "MPI_Finalize", FunctionDescriptor.of(i));
        MemorySegment provided = arena.allocate(i);
        check("MPI_Init_thread", (int) init.invokeExact(MemorySegment.NULL, MemorySegment.NULL, abi.threadFunneled(),
                provided));
        if (provided.get(i, 0) < abi.threadFunneled()) {
            throw new IllegalStateException("the MPI library does not support a multi-threaded process "
                    + "(MPI_THREAD_FUNNELED); it provides level " + provided.get(i, 0));
        }
        MemorySegment out = arena.allocate(i);
        check("MPI_Comm_rank", (int) commRank.invokeExact(abi.commWorld(), out));
        this.rank = out.get(i, 0);
        check("MPI_Comm_size", (int) commSize.invokeExact(abi.commWorld(), out));
        this.size = out.get(i, 0);
        this.requests = arena.allocate(ValueLayout.ADDRESS, 64);
        this.flag = arena.allocate(i);
    }

    /** Whether this process was started by an MPI launcher (mpirun, mpiexec, srun with PMI/PMIx). */
    public static boolean launched() {
        return System.getenv("OMPI_COMM_WORLD_SIZE") != null || System.getenv("PMIX_RANK") != null
                || System.getenv("PMI_RANK") != null;
    }

    /**
     * Loads the MPI library and initialises MPI.
     *
     * @throws IllegalStateException (one sentence) when the library cannot be loaded or initialised
     */
    public static Mpi init() {
        SymbolLookup lib = load();
        long timeout = DEFAULT_TIMEOUT_SECONDS;
        String given = System.getenv(TIMEOUT_VARIABLE);
        if (given != null) {
            try {
                timeout = Long.parseLong(given.strip());
            } catch (NumberFormatException e) {
                timeout = -1;
            }
            if (timeout < 1) {
                throw new IllegalArgumentException(TIMEOUT_VARIABLE + "=" + given + ": the time-out must be a whole "
                        + "number of seconds, at least 1");
            }
        }
        try {
            return new Mpi(lib, MpiAbi.openMpi(lib), TimeUnit.SECONDS.toNanos(timeout));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("MPI could not start: " + t, t);
        }
    }

    /**
     * Opens libmpi with its symbols global (dlopen RTLD_GLOBAL), as Open MPI's plug-ins expect of the library that
     * loads them; the JDK's own library lookup keeps them local.
     */
    private static SymbolLookup load() {
        Linker linker = Linker.nativeLinker();
        try {
            MethodHandle dlopen = linker.downcallHandle(linker.defaultLookup().find("dlopen").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
            try (Arena a = Arena.ofConfined()) {
                MemorySegment handle = (MemorySegment) dlopen.invokeExact(a.allocateFrom(LIBRARY),
                        RTLD_NOW | RTLD_GLOBAL);
                if (handle.equals(MemorySegment.NULL)) {
                    throw new IllegalStateException("cannot load the MPI library " + LIBRARY + " (install Open MPI: "
                            + "apt-get install openmpi-bin libopenmpi-dev, or load your cluster's MPI module)");
                }
            }
            return SymbolLookup.libraryLookup(LIBRARY, Arena.global());
        } catch (IllegalStateException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("cannot load the MPI library " + LIBRARY + ": " + t.getMessage(), t);
        }
    }

    private static MethodHandle downcall(SymbolLookup lib, Linker linker, String name, FunctionDescriptor d) {
        return linker.downcallHandle(lib.find(name).orElseThrow(() -> new IllegalStateException(
                "the MPI library has no function " + name)), d);
    }

    private void check(String call, int code) {
        if (code != 0) {
            throw new IllegalStateException(call + " failed on rank " + rank + " with MPI error " + code);
        }
    }

    @Override
    public int rank() {
        return rank;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public void send(MemorySegment data, int to) {
        post("MPI_Isend", isend, data, to);
    }

    @Override
    public void receive(MemorySegment data, int from) {
        post("MPI_Irecv", irecv, data, from);
    }

    /** Posts {@code call} (MPI_Isend or MPI_Irecv, which take the same arguments) on data, piece by piece. */
    private void post(String name, MethodHandle call, MemorySegment data, int peer) {
        checkPeer(peer);
        for (long at = 0; at < data.byteSize(); at += PIECE) {
            MemorySegment piece = data.asSlice(at, Math.min(PIECE, data.byteSize() - at));
            try {
                check(name, (int) call.invokeExact(piece, (int) piece.byteSize(), abi.byteType(), peer, TAG,
                        abi.commWorld(), nextRequest()));
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }
    }

    @Override
    public void broadcast(MemorySegment data, int root) {
        if (root < 0 || root >= size) {
            throw new IllegalArgumentException("rank " + root + " does not exist: there are " + size);
        }
        if (posted > 0) {
            throw new IllegalStateException("a broadcast must not overlap posted sends and receives");
        }
        for (long at = 0; at < data.byteSize(); at += PIECE) {
            MemorySegment piece = data.asSlice(at, Math.min(PIECE, data.byteSize() - at));
            try {
                check("MPI_Ibcast", (int) ibcast.invokeExact(piece, (int) piece.byteSize(), abi.byteType(), root,
                        abi.commWorld(), nextRequest()));
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }
        complete();
    }

    /**
     * Polls until every posted request is done: spinning briefly (neighbours are usually close behind), then
     * sleeping in growing steps up to a millisecond, until the time-out.
     */
    @Override
    public void complete() {
        if (posted == 0) {
            return;
        }
        long start = System.nanoTime();
        long pause = 1_000;
        try {
            for (int polls = 0; ; polls++) {
                check("MPI_Testall", (int) testall.invokeExact(posted, requests, flag, abi.statusIgnore()));
                if (flag.get(ValueLayout.JAVA_INT, 0) != 0) {
                    break;
                }
                long waited = System.nanoTime() - start;
                if (waited > timeoutNanos) {
                    throw new IllegalStateException("rank " + rank + " of " + size + ": no answer from another rank in "
                            + TimeUnit.NANOSECONDS.toSeconds(timeoutNanos) + " s: a rank has died or hangs (set "
                            + TIMEOUT_VARIABLE + " to wait longer)");
                }
                if (polls > 10_000) {
                    LockSupport.parkNanos(pause);
                    pause = Math.min(pause * 2, 1_000_000);
                } else {
                    Thread.onSpinWait();
                }
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        posted = 0;
    }

    /** Ends every rank of the job with {@code code} (after a failure that the other ranks cannot know of). */
    public void abort(int code) {
        try {
            int unused = (int) abort.invokeExact(abi.commWorld(), code);
        } catch (Throwable t) {
            Runtime.getRuntime().halt(code);
        }
    }

    /** MPI_Finalize. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            check("MPI_Finalize", (int) finalizer.invokeExact());
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private MemorySegment nextRequest() {
        long bytes = ValueLayout.ADDRESS.byteSize();
        if ((posted + 1) * bytes > requests.byteSize()) {
            MemorySegment more = arena.allocate(ValueLayout.ADDRESS, requests.byteSize() / bytes * 2);
            more.copyFrom(requests);
            requests = more;
        }
        return requests.asSlice(posted++ * bytes, bytes);
    }

    private void checkPeer(int peer) {
        if (peer < 0 || peer >= size || peer == rank) {
            throw new IllegalArgumentException("rank " + rank + " cannot exchange with rank " + peer + " of " + size);
        }
    }
}

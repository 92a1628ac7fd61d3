package org.layerbraid.mgrit.solver;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Ranks as threads of one JVM, for tests of distributed solves without MPI: a send copies the data into the
 * receiver's mailbox at once (so it never blocks), a receive takes from it in order when completed, and a
 * broadcast goes through mailboxes of its own. Same semantics as the MPI communicator for the solver.
 */
public final class InProcessRanks {
    private static final long TIMEOUT_SECONDS = 60;
    private final int size;
    /** Point-to-point and broadcast mail from rank i to rank j at [i][j]. */
    private final List<List<BlockingQueue<byte[]>>> mail = new ArrayList<>();
    private final List<List<BlockingQueue<byte[]>>> casts = new ArrayList<>();

    private InProcessRanks(int size) {
        this.size = size;
        for (int i = 0; i < size; i++) {
            List<BlockingQueue<byte[]>> m = new ArrayList<>();
            List<BlockingQueue<byte[]>> c = new ArrayList<>();
            for (int j = 0; j < size; j++) {
                m.add(new LinkedBlockingQueue<>());
                c.add(new LinkedBlockingQueue<>());
            }
            mail.add(m);
            casts.add(c);
        }
    }

    /**
     * Runs {@code body} once per rank, each in a thread of its own with that rank's communicator, and returns the
     * results in rank order; rethrows the first rank's failure.
     */
    public static <T> List<T> each(int ranks, java.util.function.Function<Communicator, T> body) {
        InProcessRanks group = new InProcessRanks(ranks);
        ExecutorService threads = Executors.newFixedThreadPool(ranks);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int r = 0; r < ranks; r++) {
                Communicator c = group.rank(r);
                futures.add(threads.submit(() -> body.apply(c)));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get(10, TimeUnit.MINUTES));
            }
            return results;
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            threads.shutdownNow();
        }
    }

    private Communicator rank(int me) {
        return new Communicator() {
            private final BlockingQueue<Object[]> pending = new ArrayBlockingQueue<>(1 << 16);

            @Override
            public int rank() {
                return me;
            }

            @Override
            public int size() {
                return size;
            }

            @Override
            public void send(MemorySegment data, int to) {
                mail.get(me).get(to).add(data.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
            }

            @Override
            public void receive(MemorySegment data, int from) {
                pending.add(new Object[] {data, from});
            }

            @Override
            public void complete() {
                Object[] p;
                while ((p = pending.poll()) != null) {
                    MemorySegment data = (MemorySegment) p[0];
                    data.copyFrom(MemorySegment.ofArray(take(mail.get((Integer) p[1]).get(me))));
                }
            }

            @Override
            public void broadcast(MemorySegment data, int root) {
                if (me == root) {
                    for (int j = 0; j < size; j++) {
                        if (j != me) {
                            casts.get(me).get(j).add(data.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
                        }
                    }
                } else {
                    data.copyFrom(MemorySegment.ofArray(take(casts.get(root).get(me))));
                }
            }
        };
    }

    private static byte[] take(BlockingQueue<byte[]> queue) {
        try {
            byte[] b = queue.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (b == null) {
                throw new IllegalStateException("no message within " + TIMEOUT_SECONDS + " s: the ranks disagree");
            }
            return b;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

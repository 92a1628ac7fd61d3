package org.layerbraid.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Locale;
import org.layerbraid.mgrit.exec.WorkerPool;
import org.layerbraid.mgrit.mpi.Mpi;
import org.layerbraid.mgrit.nn.LayerParallelEvaluator;
import org.layerbraid.mgrit.nn.Parameters;
import org.layerbraid.mgrit.solver.Communicator;
import org.layerbraid.mgrit.solver.SolvePhase;
import org.layerbraid.mgrit.training.LayerParallelSettings;
import org.layerbraid.vecmath.Kernels;

/**
 * The measurements behind the MPI cost model, one process per rank (started by {@code mpirun}, or alone for one
 * rank): {@code pingpong} times round trips of state-sized messages between ranks 0 and 1; {@code iteration N
 * EXAMPLES THREADS REPS} times one-shot evaluations (one forward and one adjoint MGRIT iteration, the final passes
 * and the gradient) of the Peaks width-8 network, and counts what rank 0 sent and received. Rank 0 prints one JSON
 * object per line.
 */
public final class MpiBench {
    private MpiBench() {
    }

    public static void main(String[] args) throws Exception {
        Locale.setDefault(Locale.ROOT);
        boolean launched = Mpi.launched();
        try (Mpi mpi = launched ? Mpi.init() : null) {
            Communicator ranks = launched ? mpi : Communicator.single();
            switch (args[0]) {
                case "pingpong" -> pingPong(ranks);
                case "iteration" -> iteration(ranks, Integer.parseInt(args[1]), Integer.parseInt(args[2]),
                        Integer.parseInt(args[3]), Integer.parseInt(args[4]));
                default -> throw new IllegalArgumentException("unknown measurement " + args[0]);
            }
        }
    }

    private static void pingPong(Communicator ranks) {
        if (ranks.size() != 2) {
            throw new IllegalArgumentException("pingpong needs 2 ranks, got " + ranks.size());
        }
        long[] sizes = {8, 1024, 8 * 1024, 64 * 1024, 8 * 5000 * 8, 8 * 5000 * 8 * 8};
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(sizes[sizes.length - 1], 64);
            for (long bytes : sizes) {
                MemorySegment message = buffer.asSlice(0, bytes);
                int trips = bytes <= 65536 ? 2000 : 300;
                roundTrips(ranks, message, trips / 4);
                double[] oneWay = new double[5];
                for (int k = 0; k < oneWay.length; k++) {
                    long start = System.nanoTime();
                    roundTrips(ranks, message, trips);
                    oneWay[k] = (System.nanoTime() - start) / (2.0 * trips) / 1e3;
                }
                Arrays.sort(oneWay);
                double us = oneWay[oneWay.length / 2];
                if (ranks.rank() == 0) {
                    System.out.printf("{\"measure\":\"pingpong\",\"bytes\":%d,\"one_way_us\":%.3f,\"gb_per_s\":%.3f}%n",
                            bytes, us, bytes / us / 1e3);
                }
            }
        }
    }

    private static void roundTrips(Communicator ranks, MemorySegment message, int trips) {
        for (int t = 0; t < trips; t++) {
            if (ranks.rank() == 0) {
                ranks.send(message, 1);
                ranks.complete();
                ranks.receive(message, 1);
                ranks.complete();
            } else {
                ranks.receive(message, 0);
                ranks.complete();
                ranks.send(message, 0);
                ranks.complete();
            }
        }
    }

    private static void iteration(Communicator ranks, int layers, int examples, int threads, int reps) {
        CountingCommunicator counted = new CountingCommunicator(ranks);
        LayerParallelSettings lp = LayerParallelSettings.oneShot(1, 1);
        try (PeaksProblem p = new PeaksProblem(layers, 8, examples); WorkerPool pool = new WorkerPool(threads);
                LayerParallelEvaluator evaluator = new LayerParallelEvaluator(Kernels.defaults(), p.config, p.batch,
                        lp.forwardOptions(), lp.adjointOptions(), pool, 1, counted)) {
            Parameters gradient = p.model.newVector(p.arena);
            for (int w = 0; w < 3; w++) {
                evaluator.lossAndGradient(p.model.parameters(), gradient);
            }
            counted.reset();
            double[] ms = new double[reps];
            double coarse = 0;
            double[] phases = new double[SolvePhase.values().length];
            for (int r = 0; r < reps; r++) {
                long start = System.nanoTime();
                evaluator.lossAndGradient(p.model.parameters(), gradient);
                ms[r] = (System.nanoTime() - start) / 1e6;
                coarse += (evaluator.forwardStatistics().seconds(SolvePhase.COARSE_SOLVE)
                        + evaluator.adjointStatistics().seconds(SolvePhase.COARSE_SOLVE)) * 1e3;
                for (SolvePhase phase : SolvePhase.values()) {
                    phases[phase.ordinal()] += (evaluator.forwardStatistics().seconds(phase)
                            + evaluator.adjointStatistics().seconds(phase)) * 1e3 / reps;
                }
            }
            Arrays.sort(ms);
            System.err.println("rank " + ranks.rank() + " phases (ms, forward + adjoint): "
                    + Arrays.toString(SolvePhase.values()) + " " + Arrays.toString(phases));
            if (ranks.rank() == 0) {
                System.out.printf("{\"measure\":\"iteration\",\"layers\":%d,\"examples\":%d,\"ranks\":%d,\"threads\":%d,"
                        + "\"median_ms\":%.3f,\"coarse_ms\":%.3f,\"messages\":%.1f,\"message_bytes\":%.0f,"
                        + "\"broadcasts\":%.1f,\"broadcast_bytes\":%.0f}%n", layers, examples, ranks.size(), threads,
                        ms[reps / 2], coarse / reps, counted.messages / (double) reps,
                        counted.messageBytes / (double) reps, counted.broadcasts / (double) reps,
                        counted.broadcastBytes / (double) reps);
            }
        }
    }

    /** Counts what passes through a communicator (rank 0's share of the traffic). */
    private static final class CountingCommunicator implements Communicator {
        private final Communicator ranks;
        long messages;
        long messageBytes;
        long broadcasts;
        long broadcastBytes;

        CountingCommunicator(Communicator ranks) {
            this.ranks = ranks;
        }

        void reset() {
            messages = messageBytes = broadcasts = broadcastBytes = 0;
        }

        @Override
        public int rank() {
            return ranks.rank();
        }

        @Override
        public int size() {
            return ranks.size();
        }

        @Override
        public void send(MemorySegment data, int to) {
            messages++;
            messageBytes += data.byteSize();
            ranks.send(data, to);
        }

        @Override
        public void receive(MemorySegment data, int from) {
            messages++;
            messageBytes += data.byteSize();
            ranks.receive(data, from);
        }

        @Override
        public void complete() {
            ranks.complete();
        }

        @Override
        public void broadcast(MemorySegment data, int root) {
            broadcasts++;
            broadcastBytes += data.byteSize();
            ranks.broadcast(data, root);
        }
    }
}

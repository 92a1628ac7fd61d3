package org.layerbraid.mgrit.training;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.layerbraid.mgrit.solver.Communicator;
import org.layerbraid.mgrit.solver.MgritOptions;
import org.layerbraid.mgrit.solver.Storage;

/**
 * What must hold before ranks train together: the same settings on every rank (each rank's digest of them is
 * broadcast, so every rank reaches the same verdict and none is left waiting), and a method that distributes over
 * ranks.
 */
final class RankAgreement {
    private RankAgreement() {
    }

    /** @throws IllegalArgumentException (the same on every rank) when the ranks cannot train together */
    static void check(TrainSettings settings, Communicator ranks) {
        long mine = digest(settings.toJson());
        long[] all = new long[ranks.size()];
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(ValueLayout.JAVA_LONG);
            for (int r = 0; r < all.length; r++) {
                value.set(ValueLayout.JAVA_LONG, 0, mine);
                ranks.broadcast(value, r);
                all[r] = value.get(ValueLayout.JAVA_LONG, 0);
            }
        }
        int disagreeing = -1;
        for (int r = all.length - 1; r > 0; r--) {
            disagreeing = all[r] != all[0] ? r : disagreeing;
        }
        if (disagreeing >= 0) {
            throw new IllegalArgumentException("rank " + disagreeing + " of " + ranks.size() + " was started with "
                    + "other settings than rank 0: every rank must run the same command");
        }
        LayerParallelSettings lp = settings.layerParallel();
        if (!lp.layerParallel()) {
            throw new IllegalArgumentException("--method serial runs in one process: start it without mpirun, or "
                    + "use --method parallel or oneshot to share the layers between " + ranks.size() + " ranks");
        }
        if (lp.adaptive() != null) {
            throw new IllegalArgumentException("--adaptive does not run across ranks yet: start it without mpirun");
        }
        if (lp.storage() == Storage.C_POINTS) {
            throw new IllegalArgumentException("--storage c-points runs in one process: start it without mpirun");
        }
        if (settings.nestedLevels() > 0) {
            throw new IllegalArgumentException("--nested-levels does not run across ranks yet: start it without "
                    + "mpirun");
        }
        for (MgritOptions options : new MgritOptions[] {lp.forwardOptions(), lp.adjointOptions()}) {
            options.hierarchy(settings.layers(), 1.0).checkRanks(ranks.size());
        }
    }

    static long digest(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            long v = 0;
            for (int i = 0; i < Long.BYTES; i++) {
                v = v << 8 | (d[i] & 0xff);
            }
            return v;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

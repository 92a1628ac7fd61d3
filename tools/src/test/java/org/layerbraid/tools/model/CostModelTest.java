package org.layerbraid.tools.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * Known answers counted by hand. Unit costs: t_step = 1, t_adj = 2, t_grad = 0.5 per example, batch 1, so times
 * are step counts. N = 16, c = 4, two levels: level 0 has C = 4 C-points, I = 5 intervals (4 of 3 F-points, the
 * last empty), F = 12; the coarsest level has 4 steps. On 2 workers the intervals split [0, 2) and [2, 5).
 */
class CostModelTest {
    private static final UnitCosts FREE_REGIONS = new UnitCosts(1, 2, 0.5, 0, 1, 0, 0, "test");
    private static final ModelConfig TWO_LEVELS = new ModelConfig(16, 1, 1, 2, 1, 4, 4, 0, 1, 1);

    private static CostModel model(UnitCosts units) {
        return new CostModel(units, Network.SHARED_MEMORY, false);
    }

    @Test
    void forwardSolveOnOneWorker() {
        // V-cycle: F-relaxation 12 + restriction 4 fine + 4 coarse + coarsest 4 = 24; the solve ends with the final
        // pass: F 12 and the 4 steps into the C-points.
        assertEquals(40, model(FREE_REGIONS).forwardSolve(TWO_LEVELS, 1), 1e-12);
        assertEquals(64, model(FREE_REGIONS).forwardSolve(TWO_LEVELS, 2), 1e-12);
    }

    @Test
    void forwardSolveOnTwoWorkers() {
        // Busiest worker: F 2 × 3 = 6, restriction 2 × 2 = 4, coarsest 4 serially, final pass 2 × 4 = 8.
        assertEquals(22, model(FREE_REGIONS).forwardSolve(TWO_LEVELS.withWorkers(2), 1), 1e-12);
    }

    @Test
    void everyRegionCostsItsSynchronisation() {
        // Regions per solve of one cycle: F, restriction, injection, final pass = 4.
        UnitCosts units = new UnitCosts(1, 2, 0.5, 0, 1, 0.1, 1, "test");
        assertEquals(40.4, model(units).forwardSolve(TWO_LEVELS, 1), 1e-12);
        assertEquals(26, model(units).forwardSolve(TWO_LEVELS.withWorkers(2), 1), 1e-12);
        assertEquals(3, model(units).regionsPerCycle(TWO_LEVELS));
        assertEquals(2, new CostModel(units, Network.SHARED_MEMORY, true).regionsPerCycle(TWO_LEVELS));
        assertEquals(25, new CostModel(units, Network.SHARED_MEMORY, true).forwardSolve(TWO_LEVELS.withWorkers(2), 1),
                1e-12);
    }

    @Test
    void adjointSolveUsesStoredZAndAddsTheGradientInTheFinalPass() {
        // Adjoint MGRIT step = t_adj = 2: cycle (12 + 8 + 4) × 2 = 48. Final pass with the gradient: 4 steps of 2.5
        // per full interval, four intervals = 40.
        assertEquals(88, model(FREE_REGIONS).adjointSolve(TWO_LEVELS, 1), 1e-12);
        // Two workers: (6 + 4 + 4) × 2 = 28, final 2 × 10 = 20.
        assertEquals(48, model(FREE_REGIONS).adjointSolve(TWO_LEVELS.withWorkers(2), 1), 1e-12);
    }

    @Test
    void oneShotStepAddsForwardAdjointAndLineSearchSolves() {
        CostModel m = model(FREE_REGIONS);
        assertEquals(64 + 136, m.oneShotStep(TWO_LEVELS, 2, 2, 0), 1e-12);
        assertEquals(2 * 64 + 136, m.oneShotStep(TWO_LEVELS, 2, 2, 1), 1e-12);
    }

    @Test
    void fcfAndThreeLevels() {
        // FCF on level 0 adds C-relaxation (4) and F again (12) to the 24 of a cycle.
        ModelConfig fcf = new ModelConfig(16, 1, 1, 2, 1, 4, 4, 1, 1, 1);
        assertEquals(40 + 16, model(FREE_REGIONS).forwardSolve(fcf, 1), 1e-12);
        // N = 64: levels 64, 16, 4. Level 0: F 48 + restriction 32; level 1 (FCF): F 12 + C 4 + F 12 + restriction 8
        // + correction F 12; coarsest 4; then the final pass 48 + 16.
        ModelConfig three = new ModelConfig(64, 1, 1, 3, 1, 4, 4, 0, 1, 1);
        assertEquals(132 + 64, model(FREE_REGIONS).forwardSolve(three, 1), 1e-12);
        assertEquals(3 + 5, model(FREE_REGIONS).regionsPerCycle(three));
    }

    @Test
    void vectorPassesOfRestrictionCoarseStepsAndInjection() {
        // t_vec = 1. Level 0: F 12; restriction 4 × (fine step + coarse step + 2 passes) = 16; injection 5 × 1;
        // coarsest 4 × (step + right-hand side) = 8; final pass 16.
        CostModel m = model(new UnitCosts(1, 2, 0.5, 1, 1, 0, 0, "test"));
        assertEquals(12 + 16 + 5 + 8 + 16, m.forwardSolve(TWO_LEVELS, 1), 1e-12);
    }

    @Test
    void threadsShareTheMemoryBandwidth() {
        // Contention 2: every step on two threads costs twice as much; one thread is not slowed down.
        CostModel m = model(new UnitCosts(1, 2, 0.5, 0, 2, 0, 0, "test"));
        assertEquals(40, m.forwardSolve(TWO_LEVELS, 1), 1e-12);
        assertEquals(44, m.forwardSolve(TWO_LEVELS.withWorkers(2), 1), 1e-12);
        assertEquals(16 * 3.5 * 512 * 2, m.dataParallel(TWO_LEVELS.withBatch(1024).withWorkers(2)), 1e-9);
        assertEquals(16 * 3.5, m.dataParallel(TWO_LEVELS.withWorkers(2)), 1e-12, "one slice: one thread");
        CostModel processes = new CostModel(new UnitCosts(1, 2, 0.5, 0, 2, 0, 0, "test"),
                new Network(1e-9, 1e30), false);
        assertEquals(22, processes.forwardSolve(TWO_LEVELS.withWorkers(2), 1), 1e-6, "processes: own bandwidth");
    }

    @Test
    void oneLevelIsSerialPropagation() {
        ModelConfig serial = new ModelConfig(16, 1, 1, 1, 1, 4, 4, 0, 1, 2);
        assertEquals(16, model(FREE_REGIONS).forwardSolve(serial, 2), 1e-12);
        assertEquals(16 * 2.5, model(FREE_REGIONS).adjointSolve(serial, 2), 1e-12);
    }

    @Test
    void serialAndDataParallel() {
        CostModel m = model(new UnitCosts(1, 2, 0.5, 0, 1, 0, 7, "test"));
        assertEquals(16 * 3.5, m.serial(TWO_LEVELS), 1e-12);
        // One example is one slice: the second thread has nothing to do and is not used.
        assertEquals(16 * 3.5, m.dataParallel(TWO_LEVELS.withWorkers(2)), 1e-12);
        // 1024 examples are two slices of 512, one per thread, in one region.
        ModelConfig big = TWO_LEVELS.withBatch(1024).withWorkers(2);
        assertEquals(16 * 3.5 * 512 + 7, m.dataParallel(big), 1e-9);
        // 1100 examples = slices of 512, 512 and 76; thread 0 takes [0, 1), thread 1 [1, 3): 588 examples.
        assertEquals(16 * 3.5 * (512 + 76) + 7, m.dataParallel(big.withBatch(1100)), 1e-9);
    }

    @Test
    void processesPayForMessages() {
        // α = 1, β infinite: every region on two processes costs 1 more, plus one collective (log2 2 = 1) per cycle.
        CostModel m = new CostModel(FREE_REGIONS, new Network(1, Double.POSITIVE_INFINITY), false);
        assertEquals(22 + 4 + 1, m.forwardSolve(TWO_LEVELS.withWorkers(2), 1), 1e-12);
        assertEquals(40, m.forwardSolve(TWO_LEVELS, 1), 1e-12);
    }

    @Test
    void maxBlockFollowsThePartition() {
        assertEquals(6, CostModel.maxBlock(5, 2, 3, 0));
        assertEquals(12, CostModel.maxBlock(5, 1, 3, 0));
        assertEquals(3, CostModel.maxBlock(5, 8, 3, 0), "more workers than intervals: one interval each at most");
    }

    @Test
    void badSettingsAreOneLineErrors() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ModelConfig(16, 1, 1, 2, 1, 1, 4, 0, 1, 1));
        assertEquals("coarsening factors must be at least 2, got 1 and 4", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TWO_LEVELS.withWorkers(0));
        assertThrows(IllegalArgumentException.class, () -> new Network(-1, 1));
    }
}

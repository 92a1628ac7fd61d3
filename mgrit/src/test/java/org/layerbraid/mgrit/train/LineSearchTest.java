package org.layerbraid.mgrit.train;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.layerbraid.vecmath.Kernels;
import org.layerbraid.vecmath.Matrix;
import org.layerbraid.vecmath.Precision;
import org.layerbraid.vecmath.TensorArena;

/**
 * The Armijo test at its boundary: from x = 0 along d = 1 with f(0) = 1 and slope −1, c₁ = ½ accepts step α
 * exactly when f(α) ≤ 1 − α/2. The objective is a table of values at the trial points, so each case says which
 * steps are tried and which is taken.
 */
class LineSearchTest {
    private final Kernels kernels = Kernels.defaults();

    private LineSearch.Result search(int maxIterations, List<Double> tried, DoubleUnaryOperator f) {
        try (TensorArena arena = new TensorArena("test")) {
            Matrix x = arena.vector(Precision.F64, 1);
            Matrix d = arena.vector(Precision.F64, 1);
            d.set(0, 0, 1);
            Matrix trial = arena.vector(Precision.F64, 1);
            Objective objective = new Objective() {
                @Override
                public double value(Matrix at) {
                    tried.add(at.get(0, 0));
                    return f.applyAsDouble(at.get(0, 0));
                }

                @Override
                public double valueAndGradient(Matrix at, Matrix gradient) {
                    throw new AssertionError("a line search evaluates values only");
                }
            };
            LineSearch.Result r = new LineSearch(kernels, 1, 0.5, 0.5, maxIterations).search(objective, x, 1, -1, d,
                    trial);
            assertEquals(r.step(), trial.get(0, 0), "the point taken is left in trial");
            return r;
        }
    }

    @Test
    void aStepMeetingArmijoWithEqualityIsTaken() {
        List<Double> tried = new ArrayList<>();
        LineSearch.Result r = search(10, tried, a -> 1 - 0.5 * a);
        assertEquals(new LineSearch.Result(1, 0, 0.5, true), r);
        assertEquals(List.of(1.0), tried);
    }

    @Test
    void aStepFailingArmijoByASmallMarginIsHalved() {
        List<Double> tried = new ArrayList<>();
        // At α = 1 the objective decreases (1 → 0.5 + 1e-9), but by less than c₁·α·|slope|.
        LineSearch.Result r = search(10, tried, a -> a == 1 ? 0.5 + 1e-9 : 1 - 0.5 * a);
        assertEquals(new LineSearch.Result(0.5, 1, 0.75, true), r);
        assertEquals(List.of(1.0, 0.5), tried);
    }

    @Test
    void anIncreaseIsNeverAccepted() {
        List<Double> tried = new ArrayList<>();
        LineSearch.Result r = search(10, tried, a -> a > 0.2 ? 1 + 1e-12 : 0.9);
        assertEquals(new LineSearch.Result(0.125, 3, 0.9, true), r);
        assertEquals(List.of(1.0, 0.5, 0.25, 0.125), tried);
    }

    @Test
    void afterMaxIterationsHalvingsTheLastStepIsTakenAnyway() {
        List<Double> tried = new ArrayList<>();
        LineSearch.Result r = search(2, tried, a -> 2);
        assertEquals(new LineSearch.Result(0.25, 2, 2, false), r);
        assertEquals(List.of(1.0, 0.5, 0.25), tried);
        tried.clear();
        assertEquals(new LineSearch.Result(1, 0, 2, false), search(0, tried, a -> 2));
        assertEquals(List.of(1.0), tried);
    }

    @ParameterizedTest
    @CsvSource({"0, 0.5, 0.5, 1", "1, 0, 0.5, 1", "1, 1, 0.5, 1", "1, 0.5, 0, 1", "1, 0.5, 1, 1", "1, 0.5, 0.5, -1",
        "NaN, 0.5, 0.5, 1"})
    void settingsOutOfRangeAreRefused(double initial, double factor, double c1, int max) {
        String message = assertThrows(IllegalArgumentException.class,
                () -> new LineSearch(kernels, initial, factor, c1, max)).getMessage();
        assertTrue(message.startsWith("line search needs"), message);
    }

    @Test
    void settingsJustInsideTheRangeAreAccepted() {
        assertDoesNotThrow(() -> new LineSearch(kernels, Double.MIN_VALUE, Math.nextUp(0.0), Math.nextDown(1.0), 0));
        assertDoesNotThrow(() -> new LineSearch(kernels, 1, Math.nextDown(1.0), Math.nextUp(0.0), 0));
    }
}

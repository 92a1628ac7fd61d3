package org.layerbraid.tools.model;

import java.util.ArrayList;
import java.util.List;
import org.layerbraid.bench.Row;

/** The model's predictions for the measured serial and MGRIT points of a bench run, with the relative error. */
public final class Validation {
    /** One measured point, what the model says of it, and (predicted − measured) / measured. */
    public record Check(Row row, ModelConfig config, double measured, double predicted) {
        public double relativeError() {
            return (predicted - measured) / measured;
        }
    }

    /** Forward and adjoint iterations of {@code OneShotStepBench}. */
    static final int ONE_SHOT_ITERATIONS = 2;

    private Validation() {
    }

    /**
     * The checks of every row the model covers (serial, forward cycle, adjoint cycle, one-shot step) at a width the
     * table has unit costs for.
     */
    public static List<Check> of(List<Row> rows, UnitCostTable table, Network network) {
        List<Check> checks = new ArrayList<>();
        for (Row r : rows) {
            ModelConfig c = config(r);
            if (c == null || !table.covers(c.width())) {
                continue;
            }
            CostModel model = new CostModel(table.at(c.width(), c.batch()), network, false);
            checks.add(new Check(r, c, r.secondsPerOp(), predict(model, r.benchmark(), c)));
        }
        return checks;
    }

    /** The model configuration of a serial or MGRIT benchmark point; null for the other benchmarks. */
    public static ModelConfig config(Row r) {
        return switch (r.benchmarkClass()) {
            // The model's unit costs are f64's.
            case "SerialGradientBench" -> "f32".equals(r.param("precision")) ? null : ModelConfig.reference(r.intParam("layers"), r.intParam("width"),
                    r.intParam("batch"), r.intParam("threads"));
            case "ForwardCycleBench", "AdjointCycleBench", "OneShotStepBench" -> new ModelConfig(r.intParam("layers"),
                    r.intParam("width"), r.intParam("batch"), r.intParam("levels"), r.intParam("minCoarse"),
                    r.intParam("cfactor"), r.intParam("cfactor"), "FCF".equals(r.param("relax")) ? 1 : 0, 1,
                    r.intParam("workers"));
            default -> null;
        };
    }

    /** The model's time for a benchmark (class.method) at a configuration. */
    public static double predict(CostModel model, String benchmark, ModelConfig c) {
        return switch (benchmark.substring(0, benchmark.indexOf('.'))) {
            case "SerialGradientBench" -> c.workers() == 1 ? model.serial(c) : model.dataParallel(c);
            case "ForwardCycleBench" -> model.forwardSolve(c, 1);
            case "AdjointCycleBench" -> model.adjointSolve(c, 1);
            case "OneShotStepBench" -> model.oneShotStep(c, ONE_SHOT_ITERATIONS, ONE_SHOT_ITERATIONS, 0);
            default -> throw new IllegalArgumentException("the model does not cover " + benchmark);
        };
    }
}

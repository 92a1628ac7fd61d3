package org.layerbraid.tools;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.layerbraid.mgrit.solver.Hierarchy;
import org.layerbraid.tools.model.CostModel;
import org.layerbraid.tools.model.ModelConfig;
import org.layerbraid.tools.model.Network;
import org.layerbraid.tools.model.UnitCostTable;
import org.layerbraid.tools.model.UnitCosts;
import org.layerbraid.tools.report.ResultsFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code layerbraid model}: the cost model's predictions for one configuration and several worker counts. */
@Command(name = "model", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Predicts serial, data-parallel and layer-parallel (MGRIT one-shot) times from measured unit "
            + "costs.", "Unit costs come from a 'layerbraid bench --suite serial --suite pool' results.json "
            + "(--units), or are built in."})
final class ModelCommand implements Callable<Integer> {
    @Option(names = "--layers", defaultValue = "1024", description = "Residual layers N (default ${DEFAULT-VALUE}).")
    int layers;
    @Option(names = "--width", defaultValue = "8", description = "Channels (default ${DEFAULT-VALUE}).")
    int width;
    @Option(names = "--batch", defaultValue = "5000", description = "Examples (default ${DEFAULT-VALUE}).")
    int batch;
    @Option(names = "--levels", defaultValue = "8", description = "Most MGRIT levels (default ${DEFAULT-VALUE}).")
    int levels;
    @Option(names = "--min-coarse", defaultValue = "8",
            description = "Fewest steps of a coarse level (default ${DEFAULT-VALUE}).")
    int minCoarse;
    @Option(names = "--cfactor", defaultValue = "4", description = "Coarsening factor (default ${DEFAULT-VALUE}).")
    int cfactor;
    @Option(names = "--relax", defaultValue = "F",
            description = "Relaxation on level 0, F or FCF; coarse levels use FCF (default ${DEFAULT-VALUE}).")
    String relax;
    @Option(names = "--iterations", defaultValue = "2",
            description = "Forward and adjoint V-cycles per optimisation step (default ${DEFAULT-VALUE}).")
    int iterations;
    @Option(names = "--line-search", defaultValue = "0",
            description = "Extra forward solves per step for the line search (default ${DEFAULT-VALUE}).")
    int lineSearch;
    @Option(names = "--workers", defaultValue = "1,2", split = ",",
            description = "Worker counts P, comma-separated (default ${DEFAULT-VALUE}).")
    List<Integer> workers;
    @Option(names = "--latency", paramLabel = "SECONDS", description = "Message latency α between processes: "
            + "model P processes instead of threads (default: threads, no messages).")
    Double latency;
    @Option(names = "--bandwidth", paramLabel = "GB/s", defaultValue = "10",
            description = "Bandwidth β between processes, with --latency (default ${DEFAULT-VALUE}).")
    double bandwidth;
    @Option(names = "--fused-restrict", description = "Relaxation and restriction share one parallel region.")
    boolean fusedRestrict;
    @Option(names = "--units", paramLabel = "FILE", description = "results.json of a bench run with the serial and "
            + "pool suites (default: built-in unit costs).")
    Path units;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        int sweeps0 = switch (relax.toUpperCase(Locale.ROOT)) {
            case "F" -> 0;
            case "FCF" -> 1;
            default -> throw new ParameterException(spec.commandLine(), "--relax must be F or FCF, got " + relax);
        };
        if (iterations < 1 || lineSearch < 0) {
            throw new ParameterException(spec.commandLine(), "--iterations must be ≥ 1 and --line-search ≥ 0");
        }
        UnitCostTable table = UnitCostTable.builtIn();
        if (units != null) {
            table = UnitCostTable.from(ResultsFile.read(units).rows(), units.toString());
            if (table == null) {
                throw new IllegalArgumentException(units + " has no LayerStepBench or PoolRegionBench results: run "
                        + "'layerbraid bench --suite serial --suite pool' for unit costs");
            }
        }
        Network network = latency == null ? Network.SHARED_MEMORY : new Network(latency, bandwidth * 1e9);
        ModelConfig base = new ModelConfig(layers, width, batch, levels, minCoarse, cfactor, cfactor, sweeps0, 1, 1);
        if (workers.stream().anyMatch(p -> p < 1)) {
            throw new ParameterException(spec.commandLine(), "--workers must all be at least 1, got " + workers);
        }
        UnitCosts u = table.at(width, batch);
        CostModel model = new CostModel(u, network, fusedRestrict);
        print(spec.commandLine().getOut(), base, model, u, units == null);
        return 0;
    }

    private void print(PrintWriter out, ModelConfig base, CostModel model, UnitCosts u, boolean builtIn) {
        out.printf(Locale.ROOT, "Unit costs: %s%n  t_step %.3g ns, t_adj %.3g ns, t_grad %.3g ns, t_vec %.3g ns per "
                + "example; %.2f× slower on all cores; region %.3g ns (1 worker), %.3g ns (more)%n", u.source(),
                u.step() * 1e9, u.adjoint() * 1e9, u.gradient() * 1e9, u.vector() * 1e9, u.contention(),
                u.region1() * 1e9, u.region() * 1e9);
        if (builtIn) {
            out.println("  (built-in defaults measured on this project's machine; pass --units "
                    + "runs/bench/results.json to use your own)");
        }
        Network n = model.network();
        out.println(latency == null ? "Workers: threads of one process (no messages)" : String.format(
                Locale.ROOT, "Workers: processes, α = %.3g s, β = %.3g GB/s", n.latency(), n.bandwidth() / 1e9));
        Hierarchy h = CostModel.hierarchy(base);
        String steps = Arrays.stream(h.pointsPerLevel()).mapToObj(p -> String.valueOf(p - 1))
                .collect(Collectors.joining(", "));
        out.printf(Locale.ROOT, "MGRIT: N_l = %s (%d levels), c = %d, %s on level 0 and FCF above, %d forward"
                + " + %d adjoint V-cycles and %d line-search solves per step, %d regions per V-cycle%n%n", steps,
                h.levels(), cfactor, base.cfSweeps0() == 0 ? "F" : "FCF", iterations, iterations, lineSearch,
                model.regionsPerCycle(base));
        out.println("|    P | serial, 1 worker ms | data-parallel ms | forward solve ms | adjoint solve ms "
                + "| one-shot step ms | vs serial | vs data-parallel |");
        out.println("|-----:|---:|---:|---:|---:|---:|---:|---:|");
        double serial = model.serial(base);
        for (int p : workers) {
            ModelConfig c = base.withWorkers(p);
            double data = model.dataParallel(c);
            double step = model.oneShotStep(c, iterations, iterations, lineSearch);
            out.printf(Locale.ROOT, "| %4d | %.4g | %.4g | %.4g | %.4g | %.4g | %.2f× | %.2f× |%n", p,
                    serial * 1e3, data * 1e3, model.forwardSolve(c, iterations) * 1e3,
                    model.adjointSolve(c, iterations) * 1e3, step * 1e3, serial / step, data / step);
        }
        out.println("\nSerial and data-parallel: one forward+backward; one-shot: forward and adjoint MGRIT "
                + "solves (no line search unless --line-search). Speedups > 1 mean layer-parallel is faster.");
    }
}

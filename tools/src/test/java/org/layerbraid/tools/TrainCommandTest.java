package org.layerbraid.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerbraid.mgrit.io.SafeTensors;

/** The train and predict commands end to end, on small Peaks runs. */
class TrainCommandTest {
    @TempDir
    Path dir;

    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return Main.execute(args, new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
    }

    private static final String[] SMALL = {"--layers", "4", "--train-size", "300", "--validation-size", "100"};

    private String[] train(Path out, String... extra) {
        String[] args = new String[SMALL.length + 3 + extra.length];
        args[0] = "train";
        System.arraycopy(SMALL, 0, args, 1, SMALL.length);
        args[SMALL.length + 1] = "--out";
        args[SMALL.length + 2] = out.toString();
        System.arraycopy(extra, 0, args, SMALL.length + 3, extra.length);
        return args;
    }

    @Test
    void aRunWritesEveryOutput() throws IOException {
        Path out = dir.resolve("run");
        assertEquals(0, run(train(out, "--iterations", "6")), err.toString());
        for (String f : List.of("history.csv", "history.jsonl", "summary.json", "model.safetensors",
                "checkpoint.safetensors", "loss.png", "accuracy.png", "decision_map.png")) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        List<String> csv = Files.readAllLines(out.resolve("history.csv"));
        assertEquals("iteration,state_residual,adjoint_residual,objective,loss,gradient_norm,step,ls_iterations,"
                + "train_accuracy,validation_accuracy,seconds", csv.getFirst());
        assertEquals(7, csv.size(), "a header and six iterations");
        assertEquals(6, Files.readAllLines(out.resolve("history.jsonl")).size());
        JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertEquals("completed", summary.get("status").asText());
        assertEquals(4, summary.get("network").get("layers").asInt());
        SafeTensors model = SafeTensors.read(out.resolve("model.safetensors"));
        assertTrue(model.names().contains("layers.3.weight"));
        assertEquals(0, run("predict", "--model", out.resolve("model.safetensors").toString(), "--out",
                dir.resolve("p.csv").toString()), err.toString());
        assertEquals(101, Files.readAllLines(dir.resolve("p.csv")).size());
    }

    @Test
    void resumingGivesBitwiseTheSameRun() throws IOException {
        for (String optimizer : List.of("lbfgs", "adam")) {
            Path straight = dir.resolve("straight-" + optimizer);
            Path split = dir.resolve("split-" + optimizer);
            assertEquals(0, run(train(straight, "--iterations", "8", "--optimizer", optimizer, "--batch", "50")),
                    err.toString());
            assertEquals(0, run(train(split, "--iterations", "5", "--optimizer", optimizer, "--batch", "50")),
                    err.toString());
            assertEquals(0, run("train", "--resume", split.resolve("checkpoint.safetensors").toString(),
                    "--iterations", "8"), err.toString());
            double[] a = SafeTensors.read(straight.resolve("checkpoint.safetensors")).doubles("layers.2.weight");
            double[] b = SafeTensors.read(split.resolve("checkpoint.safetensors")).doubles("layers.2.weight");
            assertArrayEquals(a, b, optimizer + ": resumed weights must equal the uninterrupted run's bitwise");
            assertEquals(objectives(straight), objectives(split), optimizer + ": the same objective at every iteration");
        }
    }

    private static List<String> objectives(Path run) throws IOException {
        return Files.readAllLines(run.resolve("history.csv")).stream().skip(1).map(l -> l.split(",")[3]).toList();
    }

    @Test
    void badInputEndsWithOneLineAndWritesNothing() throws IOException {
        Path out = dir.resolve("bad");
        String[][] cases = {
            {"train", "--layers", "0", "--out", out.toString()},
            {"train", "--final-time", "-1", "--out", out.toString()},
            {"train", "--gamma-tik", "-1e-3", "--out", out.toString()},
            {"train", "--activation", "sigmoid", "--out", out.toString()},
            {"train", "--optimizer", "newton", "--out", out.toString()},
            {"train", "--precision", "fp16", "--out", out.toString()},
            {"train", "--data", dir.resolve("missing.csv").toString(), "--out", out.toString()},
            {"train", "--config", dir.resolve("missing.cfg").toString(), "--out", out.toString()},
            {"train", "--resume", dir.resolve("missing.safetensors").toString()},
            {"train", "--bogus"},
        };
        for (String[] args : cases) {
            err.getBuffer().setLength(0);
            int code = run(args);
            String message = err.toString().strip();
            assertTrue(code != 0, String.join(" ", args) + " must fail");
            assertEquals(1, message.lines().count(), String.join(" ", args) + " → " + message);
            assertFalse(message.contains("Exception"), message);
        }
        assertFalse(Files.exists(out), "nothing written for bad input");
    }

    @Test
    void referenceConfigurationFilesAreRead() throws IOException {
        Path cfg = dir.resolve("peaks.cfg");
        Files.writeString(cfg, """
                # reference style
                ntraining = 200
                nvalidation = 50
                nchannels = 6
                nlayers = 5
                T = 1.0
                activation = tanh
                optim_maxiter = 3
                braid_cfactor = 2
                datafolder = ./
                """);
        Path out = dir.resolve("cfg");
        assertEquals(0, run("train", "--config", cfg.toString(), "--out", out.toString()), err.toString());
        assertTrue(err.toString().contains("ignored keys: datafolder"), err.toString());
        JsonNode network = new ObjectMapper().readTree(out.resolve("summary.json").toFile()).get("network");
        assertEquals(3, network.get("layers").asInt(), "nlayers counts the opening and classification layers");
        assertEquals(6, network.get("width").asInt());
        assertEquals("TANH", network.get("activation").asText());
        Files.writeString(cfg, "nlayer = 8\n");
        err.getBuffer().setLength(0);
        assertEquals(1, run("train", "--config", cfg.toString(), "--out", out.toString()));
        assertTrue(err.toString().contains("line 1: nlayer = '8': unknown key"), err.toString());
        Files.writeString(cfg, "nchannels = eight\n");
        err.getBuffer().setLength(0);
        assertEquals(1, run("train", "--config", cfg.toString(), "--out", out.toString()));
        assertTrue(err.toString().contains("line 1: nchannels = 'eight' is not an integer"), err.toString());
    }

    @Test
    void threadsShareTheBatchWithoutChangingAnyBit() throws IOException {
        Path one = dir.resolve("one");
        Path two = dir.resolve("two");
        String[] size = {"--iterations", "5"};
        assertEquals(0, run(train(one, size)), err.toString());
        assertEquals(0, run(train(two, concat(size, "--threads", "2"))), err.toString());
        assertEquals(objectives(one), objectives(two));
        assertArrayEquals(SafeTensors.read(one.resolve("model.safetensors")).doubles("layers.1.weight"),
                SafeTensors.read(two.resolve("model.safetensors")).doubles("layers.1.weight"));
    }

    @Test
    void aDivergingRunStopsAndKeepsItsLastGoodCheckpoint() throws IOException {
        Path out = dir.resolve("diverge");
        err.getBuffer().setLength(0);
        int code = run(train(out, "--optimizer", "sgd", "--learning-rate", "1e150", "--momentum", "0",
                "--iterations", "30", "--checkpoint-every", "1", "--init", "normal", "--init-scale", "1"));
        String message = err.toString().strip();
        assertEquals(1, code, message);
        assertEquals(1, message.lines().count(), message);
        assertTrue(message.contains("the objective became") && message.contains("last good checkpoint"), message);
        assertTrue(Files.exists(out.resolve("history.csv")));
        assertFalse(Files.exists(out.resolve("model.safetensors")), "no model from a diverged run");
    }

    @Test
    void aCorruptOrForeignCheckpointIsRefusedInOneLine() throws IOException {
        Path broken = dir.resolve("broken.safetensors");
        Files.write(broken, new byte[] {1, 2, 3});
        err.getBuffer().setLength(0);
        assertEquals(1, run("train", "--resume", broken.toString()));
        assertTrue(err.toString().contains(broken.toString()), err.toString());
        assertEquals(1, err.toString().strip().lines().count(), err.toString());
        Path out = dir.resolve("m");
        assertEquals(0, run(train(out, "--iterations", "1")), err.toString());
        err.getBuffer().setLength(0);
        assertEquals(1, run("train", "--resume", out.resolve("model.safetensors").toString()));
        assertTrue(err.toString().contains("not a LayerBraid checkpoint"), err.toString());
        err.getBuffer().setLength(0);
        assertEquals(2, run("train", "--resume", out.resolve("checkpoint.safetensors").toString(), "--layers", "9"));
        assertTrue(err.toString().contains("cannot change: --layers"), err.toString());
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** A small run of 16 layers: deep enough for a coarse MGRIT level. */
    private static String[] deep(Path out, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("train", "--layers", "16", "--train-size", "300",
                "--validation-size", "100", "--out", out.toString()));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    @Test
    void layerParallelMethodsRunAndLogTheirResiduals() throws IOException {
        for (String method : new String[] {"oneshot", "parallel"}) {
            Path out = dir.resolve(method);
            assertEquals(0, run(deep(out, "--iterations", "3", "--threads", "2", "--method", method, "--cfactor0",
                    "2")), err.toString());
            List<String> csv = Files.readAllLines(out.resolve("history.csv"));
            assertEquals(4, csv.size());
            for (String line : csv.subList(1, csv.size())) {
                double state = Double.parseDouble(line.split(",")[1]);
                assertTrue(Double.isFinite(state) && state >= 0, method + ": " + line);
            }
            JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
            assertEquals(method, summary.get("settings").get("layerParallel").get("method").asText());
        }
    }

    @Test
    void referenceBraidKeysSetTheMgritOptions() throws IOException {
        Path cfg = dir.resolve("braid.cfg");
        Files.writeString(cfg, """
                ntraining = 200
                nvalidation = 50
                nlayers = 18
                optim_maxiter = 2
                braid_cfactor0 = 2
                braid_cfactor = 2
                braid_maxlevels = 3
                braid_mincoarse = 2
                braid_maxiter = 3
                braid_nrelax0 = 0
                braid_nrelax = 1
                braid_abstol = 1e-9
                braid_adjtol = 1e-8
                braid_fmg = 1
                braid_setskip = 1
                """);
        Path out = dir.resolve("braid");
        assertEquals(0, run("train", "--config", cfg.toString(), "--method", "oneshot", "--out", out.toString()),
                err.toString());
        JsonNode lp = new ObjectMapper().readTree(out.resolve("summary.json").toFile()).get("settings")
                .get("layerParallel");
        assertEquals(3, lp.get("maxLevels").asInt());
        assertEquals(2, lp.get("cfactor0").asInt());
        assertEquals(2, lp.get("cfactor").asInt());
        assertEquals(3, lp.get("forwardIterations").asInt());
        assertEquals(3, lp.get("adjointIterations").asInt());
        assertEquals(0, lp.get("cfSweeps0").asInt());
        assertEquals(1, lp.get("cfSweeps").asInt());
        assertTrue(lp.get("fcycle").asBoolean() && lp.get("skipFirstDown").asBoolean());
        assertEquals(1e-9, lp.get("tolerance").asDouble());
        assertEquals(1e-8, lp.get("adjointTolerance").asDouble());
    }

    @Test
    void incompatibleLayerParallelSettingsEndWithOneLine() {
        String[][] cases = {
            {"--method", "oneshot", "--levels", "1"},
            {"--method", "parallel", "--cfactor0", "16"},
            {"--method", "oneshot", "--optimizer", "adam"},
            {"--method", "oneshot", "--relax0", "FX"},
            {"--method", "oneshot", "--fwd-iterations", "-1"},
            {"--method", "parallel", "--tolerance", "0"},
            {"--method", "diagonal"},
            {"--method", "oneshot", "--threads", "0"}};
        String[] expected = {"is serial propagation", "leaves 1 coarse step for 16 layers", "needs full-batch training",
            "--relax0 must be F, FCF", "must be at least 1", "--tolerance must be positive", "unknown --method",
            "--threads must be between 1 and 256"};
        for (int i = 0; i < cases.length; i++) {
            err.getBuffer().setLength(0);
            assertEquals(1, run(deep(dir.resolve("bad" + i), cases[i])), String.join(" ", cases[i]));
            String message = err.toString().strip();
            assertTrue(message.contains(expected[i]), String.join(" ", cases[i]) + " → " + message);
            assertFalse(message.contains("\n"), message);
            assertFalse(Files.exists(dir.resolve("bad" + i).resolve("history.csv")), "no work before the error");
        }
    }

    @Test
    void adaptiveControlLogsItsDecisionsOnAProblemWhereOneShotDiverges() throws IOException {
        Path out = dir.resolve("adaptive");
        // T = 20 over 32 layers with weights of order 3: the coarse MGRIT steps amplify, one-shot cannot converge.
        assertEquals(0, run("train", "--method", "oneshot", "--adaptive", "--final-time", "20", "--init", "normal",
                "--init-scale", "3", "--activation", "tanh", "--layers", "32", "--iterations", "4", "--train-size",
                "300", "--validation-size", "50", "--out", out.toString()), err.toString());
        List<String> decisions = Files.readAllLines(out.resolve("adaptive.log"));
        assertTrue(decisions.getFirst().startsWith("step 0: convergence factor"), decisions.toString());
        assertTrue(decisions.getFirst().contains("iterations 2/2 → 3/3"), decisions.toString());
        err.getBuffer().setLength(0);
        assertEquals(1, run(deep(dir.resolve("adaptive-parallel"), "--method", "parallel", "--adaptive")));
        assertTrue(err.toString().contains("--adaptive controls the oneshot method only"), err.toString());
    }

    @Test
    void nestedIterationTrainsShallowerStagesFirstAndStartsFromTheirWeights() throws IOException {
        Path out = dir.resolve("nested");
        assertEquals(0, run(deep(out, "--nested-levels", "2", "--nested-iterations", "2", "--iterations", "2")),
                err.toString());
        for (String stage : new String[] {"nested-4", "nested-8"}) {
            assertEquals(3, Files.readAllLines(out.resolve(stage).resolve("history.csv")).size(), stage);
        }
        assertEquals(3, Files.readAllLines(out.resolve("history.csv")).size());
        // Zero iterations from a model: the written model is the interpolation itself, each layer doubled.
        Path copy = dir.resolve("from-8");
        assertEquals(0, run(deep(copy, "--iterations", "0", "--init-from",
                out.resolve("nested-8").resolve("model.safetensors").toString())), err.toString());
        SafeTensors coarse = SafeTensors.read(out.resolve("nested-8").resolve("model.safetensors"));
        SafeTensors fine = SafeTensors.read(copy.resolve("model.safetensors"));
        for (int n = 0; n < 16; n++) {
            assertArrayEquals(coarse.doubles("layers." + n / 2 + ".weight"), fine.doubles("layers." + n + ".weight"),
                    "layer " + n);
        }
        err.getBuffer().setLength(0);
        assertEquals(1, run(deep(dir.resolve("bad-nested"), "--nested-levels", "5")));
        assertTrue(err.toString().contains("must be divisible by 32"), err.toString());
        err.getBuffer().setLength(0);
        assertEquals(1, run(deep(dir.resolve("bad-init"), "--init-from", dir.resolve("none.safetensors").toString())));
        assertTrue(err.toString().contains("no such model file"), err.toString());
    }

    @Test
    void everySplitOfLayerAndBatchThreadsTrainsTheSameBits() throws IOException {
        String[][] splits = {{"--threads", "1"}, {"--threads", "2"}, {"--layer-threads", "1", "--batch-threads", "2"},
            {"--layer-threads", "2", "--batch-threads", "2"}};
        List<String> reference = null;
        for (int i = 0; i < splits.length; i++) {
            Path out = dir.resolve("split" + i);
            List<String> args = new java.util.ArrayList<>(List.of("--method", "oneshot", "--iterations", "3"));
            args.addAll(List.of(splits[i]));
            assertEquals(0, run(deep(out, args.toArray(String[]::new))), err.toString());
            List<String> rows = Files.readAllLines(out.resolve("history.csv")).stream()
                    .map(line -> line.substring(0, line.lastIndexOf(','))).toList();
            if (reference == null) {
                reference = rows;
            } else {
                assertEquals(reference, rows, String.join(" ", splits[i]));
            }
        }
        err.getBuffer().setLength(0);
        assertEquals(1, run(deep(dir.resolve("split-bad"), "--method", "oneshot", "--threads", "3", "--layer-threads",
                "2", "--batch-threads", "2")));
        assertTrue(err.toString().contains("--threads 3 disagrees with --layer-threads 2 × --batch-threads 2"),
                err.toString());
        err.getBuffer().setLength(0);
        assertEquals(1, run(deep(dir.resolve("split-serial"), "--batch-threads", "2")));
        assertTrue(err.toString().contains("serial shares the batch with --threads"), err.toString());
    }

    @Test
    void resumingALayerParallelRunGivesBitwiseTheSameRun() throws IOException {
        String[][] methods = {{"--method", "oneshot"}, {"--method", "parallel"}, {"--method", "oneshot", "--adaptive"}};
        for (String[] method : methods) {
            String name = String.join("", method).replace("--", "-");
            Path straight = dir.resolve("straight" + name);
            Path split = dir.resolve("split" + name);
            List<String> common = new java.util.ArrayList<>(List.of(method));
            common.addAll(List.of("--threads", "2"));
            List<String> eight = new java.util.ArrayList<>(common);
            eight.addAll(List.of("--iterations", "8"));
            List<String> five = new java.util.ArrayList<>(common);
            five.addAll(List.of("--iterations", "5"));
            assertEquals(0, run(deep(straight, eight.toArray(String[]::new))), err.toString());
            assertEquals(0, run(deep(split, five.toArray(String[]::new))), err.toString());
            assertEquals(0, run("train", "--resume", split.resolve("checkpoint.safetensors").toString(),
                    "--iterations", "8", "--threads", "1"), err.toString());
            double[] a = SafeTensors.read(straight.resolve("checkpoint.safetensors")).doubles("layers.7.weight");
            double[] b = SafeTensors.read(split.resolve("checkpoint.safetensors")).doubles("layers.7.weight");
            assertArrayEquals(a, b, name + ": resumed weights must equal the uninterrupted run's bitwise");
            assertEquals(objectives(straight), objectives(split), name + ": the same objective at every iteration");
        }
    }

    @Test
    void cPointStorageTrainsTheSameBitsAndResumes() throws IOException {
        List<String> common = List.of("--method", "oneshot", "--cfactor0", "4", "--relax0", "FCF", "--threads", "2");
        Path all = dir.resolve("storage-all");
        List<String> eight = new java.util.ArrayList<>(common);
        eight.addAll(List.of("--iterations", "8"));
        assertEquals(0, run(deep(all, eight.toArray(String[]::new))), err.toString());
        Path straight = dir.resolve("storage-c");
        eight.addAll(List.of("--storage", "c-points"));
        assertEquals(0, run(deep(straight, eight.toArray(String[]::new))), err.toString());
        assertEquals(objectives(all), objectives(straight), "the same objective at every iteration");
        assertArrayEquals(SafeTensors.read(all.resolve("model.safetensors")).doubles("layers.7.weight"),
                SafeTensors.read(straight.resolve("model.safetensors")).doubles("layers.7.weight"));
        JsonNode lp = new ObjectMapper().readTree(straight.resolve("summary.json").toFile()).get("settings")
                .get("layerParallel");
        assertEquals("C_POINTS", lp.get("storage").asText());
        assertFalse(SafeTensors.read(straight.resolve("checkpoint.safetensors")).names().contains("mgrit.state.5"));
        Path split = dir.resolve("storage-c-split");
        List<String> five = new java.util.ArrayList<>(common);
        five.addAll(List.of("--iterations", "5", "--storage", "c-points"));
        assertEquals(0, run(deep(split, five.toArray(String[]::new))), err.toString());
        assertEquals(0, run("train", "--resume", split.resolve("checkpoint.safetensors").toString(),
                "--iterations", "8", "--threads", "1"), err.toString());
        assertEquals(objectives(straight), objectives(split), "the resumed run is the uninterrupted one");
        err.getBuffer().setLength(0);
        assertEquals(1, run(deep(dir.resolve("storage-serial"), "--storage", "c-points")));
        assertEquals("--storage c-points keeps MGRIT's C-points: it applies to --method parallel and oneshot",
                err.toString().strip().lines().toList().getLast().replaceFirst("^[^-]*", ""));
        err.getBuffer().setLength(0);
        assertEquals(1, run(deep(dir.resolve("storage-bad"), "--method", "oneshot", "--storage", "some")));
        assertTrue(err.toString().contains("unknown --storage 'some': use all or c-points"), err.toString());
    }
}

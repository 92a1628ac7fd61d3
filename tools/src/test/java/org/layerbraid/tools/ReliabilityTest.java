package org.layerbraid.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerbraid.mgrit.io.SafeTensors;
import org.layerbraid.mgrit.nn.ModelFile;
import org.layerbraid.mgrit.train.RunFolder;

/** The cases of issue 13 end to end: run folders, refusals before output, predictions by name. */
class ReliabilityTest {
    @TempDir
    Path dir;

    private final StringWriter err = new StringWriter();
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();

    private int run(String... args) {
        err.getBuffer().setLength(0);
        stdout.reset();
        PrintStream saved = System.out;
        System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
        try {
            return Main.execute(args, new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
        } finally {
            System.setOut(saved);
        }
    }

    private String printed() {
        return stdout.toString(StandardCharsets.UTF_8);
    }

    private static String[] train(Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("train", "--layers", "4", "--train-size", "200",
                "--validation-size", "50", "--out", out.toString()));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    /** One line on stderr, naming what it must, no stack trace. */
    private void assertRefused(int code, String... mentions) {
        String message = err.toString().strip();
        assertTrue(code != 0, "must be refused: " + printed());
        assertEquals(1, message.lines().count(), message);
        assertFalse(message.contains("Exception") || message.contains("\tat "), message);
        for (String m : mentions) {
            assertTrue(message.contains(m), "'" + m + "' missing from: " + message);
        }
    }

    @Test
    void aBusyFolderIsRefusedNamingItsHolderAndLeftAsItWas() throws IOException {
        Path out = dir.resolve("busy");
        Files.createDirectories(out);
        try (RunFolder holder = new RunFolder(out).claim()) {
            assertTrue(holder.claimed());
            assertRefused(run(train(out, "--iterations", "2")), out.getFileName().toString(), "in use by another run",
                    "pid " + ProcessHandle.current().pid());
            assertFalse(Files.exists(out.resolve("history.csv")), "nothing written into a busy folder");
        }
        assertEquals(0, run(train(out, "--iterations", "2")), err.toString());
    }

    @Test
    void resumingIntoAFolderHoldingAnotherRunNeedsForce() throws IOException {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        assertEquals(0, run(train(a, "--iterations", "3")), err.toString());
        assertEquals(0, run(train(b, "--iterations", "3", "--seed", "7")), err.toString());
        byte[] bModel = Files.readAllBytes(b.resolve("model.safetensors"));
        String checkpoint = a.resolve("checkpoint.safetensors").toString();
        assertRefused(run("train", "--resume", checkpoint, "--iterations", "4", "--out", b.toString()),
                "already holds another run", "--force");
        assertArrayEquals(bModel, Files.readAllBytes(b.resolve("model.safetensors")), "the other run is untouched");
        // The same run elsewhere, or an empty folder, is fine; --force overwrites.
        Path copy = dir.resolve("copy");
        assertEquals(0, run("train", "--resume", checkpoint, "--iterations", "4", "--out", copy.toString()),
                err.toString());
        assertEquals(0, run("train", "--resume", checkpoint, "--iterations", "5", "--out", copy.toString()),
                err.toString());
        assertEquals(0, run("train", "--resume", checkpoint, "--iterations", "4", "--out", b.toString(), "--force"),
                err.toString());
        assertEquals(5, Files.readAllLines(b.resolve("history.csv")).size(), "a header and four rows");
    }

    @Test
    void aResumeRemovesLeftoversAndRebuildsTheHistoryWithoutTruncatingIt() throws IOException {
        Path out = dir.resolve("run");
        assertEquals(0, run(train(out, "--iterations", "4", "--checkpoint-every", "2")), err.toString());
        Path leftover = out.resolve(".checkpoint.safetensors.tmp-0123456789abcdef");
        Files.write(leftover, new byte[] {1, 2, 3});
        Path mine = out.resolve("notes.txt");
        Files.writeString(mine, "kept");
        List<String> before = Files.readAllLines(out.resolve("history.csv"));
        assertEquals(0, run("train", "--resume", out.resolve("checkpoint.safetensors").toString(), "--iterations", "6"),
                err.toString());
        assertFalse(Files.exists(leftover), "an interrupted write's temporary file is removed");
        assertTrue(Files.exists(mine), "other files stay");
        List<String> after = Files.readAllLines(out.resolve("history.csv"));
        assertEquals(before, after.subList(0, before.size()), "the earlier rows are kept");
        assertEquals(7, after.size());
        assertEquals(List.of(), RunFolder.leftovers(out));
    }

    @Test
    void resumingAFinishedOneShotRunKeepsItsCheckpointWhole() throws IOException {
        Path out = dir.resolve("oneshot");
        String[] args = {"train", "--layers", "16", "--train-size", "200", "--validation-size", "50", "--method",
            "oneshot", "--iterations", "3", "--out", out.toString()};
        assertEquals(0, run(args), err.toString());
        Path checkpoint = out.resolve("checkpoint.safetensors");
        byte[] before = Files.readAllBytes(checkpoint);
        assertTrue(SafeTensors.read(checkpoint).names().contains("mgrit.state.16"), "warm states are saved");
        assertEquals(0, run("train", "--resume", checkpoint.toString()), err.toString());
        assertArrayEquals(before, Files.readAllBytes(checkpoint), "nothing to do: the checkpoint is not rewritten");
        // Resumed elsewhere with nothing left to do, the copy holds as much state as the original.
        Path elsewhere = dir.resolve("elsewhere");
        assertEquals(0, run("train", "--resume", checkpoint.toString(), "--out", elsewhere.toString()), err.toString());
        assertEquals(SafeTensors.read(checkpoint).names(),
                SafeTensors.read(elsewhere.resolve("checkpoint.safetensors")).names());
    }

    @Test
    void runsThatCannotFitAreRefusedBeforeAnythingIsWritten() {
        Path out = dir.resolve("huge");
        assertRefused(run(train(out, "--lbfgs-memory", "100000000")), "needs ≈", "L-BFGS memory");
        assertRefused(run("train", "--train-size", "2000000000", "--out", out.toString()), "needs ≈", "data");
        assertRefused(run("train", "--width", "1000", "--layers", "2000", "--out", out.toString()), "needs ≈");
        assertFalse(Files.exists(out), "no folder for a refused run");
    }

    @Test
    void badStartsAndCorruptCheckpointsLeaveNoOutput() throws IOException {
        Path source = dir.resolve("source");
        assertEquals(0, run(train(source, "--iterations", "2")), err.toString());
        // --init-from a model of another width
        Path other = dir.resolve("other");
        assertEquals(0, run(train(other, "--iterations", "1", "--width", "5")), err.toString());
        Path out = dir.resolve("out");
        assertRefused(run(train(out, "--init-from", other.resolve("model.safetensors").toString())), "--init-from");
        assertFalse(Files.exists(out));
        // A checkpoint whose L-BFGS ring counters are corrupt, and one whose progress record is negative
        SafeTensors good = SafeTensors.read(source.resolve("checkpoint.safetensors"));
        Path badState = dir.resolve("bad-state/checkpoint.safetensors");
        rewrite(good, badState, "lbfgs.state", null);
        assertRefused(run("train", "--resume", badState.toString(), "--out", out.toString()), badState.toString(),
                "L-BFGS state is corrupt");
        Path badProgress = dir.resolve("bad-progress/checkpoint.safetensors");
        rewrite(good, badProgress, null, "-3 1.0");
        assertRefused(run("train", "--resume", badProgress.toString(), "--out", out.toString()),
                badProgress.toString(), "progress record");
        rewrite(good, badProgress, null, "2 NaN");
        assertRefused(run("train", "--resume", badProgress.toString(), "--out", out.toString()), "progress record");
        assertFalse(Files.exists(out), "no output for a refused resume");
        assertFalse(Files.exists(badState.resolveSibling("history.csv")));
    }

    /** A copy of a checkpoint with its L-BFGS counters broken, or with another progress record. */
    private static void rewrite(SafeTensors from, Path to, String brokenState, String progress) throws IOException {
        Files.createDirectories(to.getParent());
        SafeTensors.Writer w = SafeTensors.writer();
        from.metadata().forEach(w::metadata);
        for (String name : from.names()) {
            if (name.equals(brokenState)) {
                w.add(name, new long[] {from.longs(name)[0], 99, 42});
            } else if (from.dtype(name) == org.layerbraid.mgrit.io.DType.I64) {
                w.add(name, from.longs(name), from.shape(name));
            } else {
                w.add(name, from.doubles(name), from.shape(name));
            }
        }
        if (progress != null) {
            w.metadata("layerbraid.progress", progress);
        }
        w.write(to);
    }

    @Test
    void aChartThatCannotBeWrittenIsAWarningNotAFailure() throws IOException {
        Path out = dir.resolve("charts");
        Files.createDirectories(out.resolve("loss.png"));
        Files.writeString(out.resolve("loss.png/x"), "a folder where a chart goes");
        assertEquals(0, run(train(out, "--iterations", "2")), err.toString());
        assertTrue(printed().contains("warning: the charts"), printed());
        assertTrue(Files.exists(out.resolve("model.safetensors")) && Files.exists(out.resolve("summary.json")));
    }

    /**
     * Points labelled by the side of a line (balanced classes, learnt in a few iterations; with the columns taken by
     * position instead of name the predictions would be about chance), the rows sorted by label as asked.
     */
    private Path circle(String name, boolean innerFirst, String header, boolean swapColumns) throws IOException {
        SplittableRandom random = new SplittableRandom(5);
        List<String[]> rows = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            double x = random.nextDouble(-3, 3);
            double y = random.nextDouble(-3, 3);
            rows.add(new String[] {String.format(Locale.ROOT, "%.6f", x), String.format(Locale.ROOT, "%.6f", y),
                x > 0.3 * y ? "inner" : "outer"});
        }
        rows.sort((a, b) -> innerFirst ? a[2].compareTo(b[2]) : b[2].compareTo(a[2]));
        StringBuilder text = new StringBuilder(header).append('\n');
        for (String[] r : rows) {
            text.append(swapColumns ? r[1] + "," + r[0] : r[0] + "," + r[1]).append(',').append(r[2]).append('\n');
        }
        return Files.writeString(dir.resolve(name), text);
    }

    private double accuracy(Path model, Path data) {
        assertEquals(0, run("predict", "--model", model.toString(), "--data", data.toString(), "--part", "all"),
                err.toString());
        String line = printed().lines().filter(l -> l.startsWith("accuracy")).findFirst().orElseThrow();
        return Double.parseDouble(line.substring(9, line.indexOf('%')));
    }

    @Test
    void predictionsMatchLabelsAndColumnsByName() throws IOException {
        Path a = circle("a.csv", true, "x1,x2,label", false);
        Path out = dir.resolve("circle");
        assertEquals(0, run("train", "--data", a.toString(), "--layers", "8", "--iterations", "60", "--out",
                out.toString()), err.toString());
        Path model = out.resolve("model.safetensors");
        SafeTensors file = SafeTensors.read(model);
        assertEquals(List.of("inner", "outer"), ModelFile.classNames(file));
        assertEquals(List.of("x1", "x2"), ModelFile.featureNames(file));
        double trained = accuracy(model, a);
        assertTrue(trained > 85, "the model learnt the classes: " + trained);
        assertEquals(trained, accuracy(model, circle("b.csv", false, "x1,x2,label", false)), 1e-9,
                "the other label first");
        assertEquals(trained, accuracy(model, circle("c.csv", true, "x2,x1,label", true)), 1e-9,
                "columns in another order, named");
        assertRefused(run("predict", "--model", model.toString(), "--data",
                circle("d.csv", true, "x1,x3,label", false).toString()), "d.csv", "missing [x2]", "not in the model [x3]");
        Path e = dir.resolve("e.csv");
        Files.writeString(e, "x1,x2,label\n0.5,0.5,inner\n1,1,outer\n2,2,middle\n");
        assertRefused(run("predict", "--model", model.toString(), "--data", e.toString()), "e.csv line 4",
                "'middle'", "[inner, outer]");
    }

    @Test
    void csvMessagesNameTheFileAndTheCause() throws IOException {
        Path latin = dir.resolve("latin.csv");
        byte[] text = "x,y,label\n1,2,caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1);
        Files.write(latin, text);
        assertRefused(run("train", "--data", latin.toString(), "--out", dir.resolve("o").toString()), "latin.csv",
                "offset 17", "line 2", "UTF-8");
        Path metadata = dir.resolve("metadata.csv");
        Files.writeString(metadata, "569,30,malignant,benign\n1,2,3,4,5,0\n");
        assertRefused(run("train", "--data", metadata.toString(), "--out", dir.resolve("o").toString()),
                "metadata.csv line 1", "looks like data or metadata");
        assertFalse(Files.exists(dir.resolve("o")));
    }
}

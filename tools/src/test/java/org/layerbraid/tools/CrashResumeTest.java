package org.layerbraid.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerbraid.mgrit.train.RunFolder;

/**
 * Trainings killed with SIGKILL (a child JVM, {@link Process#destroyForcibly()}) at several points, each resumed
 * from what was left, end with a model bitwise equal to an uninterrupted run's and the full history. The kill points
 * are file events: the moment a write's temporary file appears in the run folder (inotify through a
 * {@link WatchService}), so the kill lands while the checkpoint is written, while a resume rebuilds the history, or
 * while the final model is written. One-shot MGRIT is used as its warm states make the most state to lose.
 */
class CrashResumeTest {
    @TempDir
    Path dir;

    private static final List<String> RUN = List.of("--layers", "16", "--train-size", "300", "--validation-size", "60",
            "--method", "oneshot", "--iterations", "14", "--checkpoint-every", "2");

    @Test
    void killedAtAnyPointAndResumedEndsBitwiseEqualWithTheFullHistory() throws Exception {
        Path straight = dir.resolve("straight");
        List<String> args = new ArrayList<>(List.of("train", "--out", straight.toString()));
        args.addAll(RUN);
        assertEquals(0, Main.execute(args.toArray(String[]::new), new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter())));

        Path out = dir.resolve("crashed");
        Files.createDirectories(out);
        String checkpoint = out.resolve("checkpoint.safetensors").toString();
        List<String> fresh = new ArrayList<>(List.of("train", "--out", out.toString()));
        fresh.addAll(RUN);
        List<String> resume = List.of("train", "--resume", checkpoint);
        List<String> kills = new ArrayList<>();
        // 1. inside the second periodic checkpoint write of a fresh run
        kills.add(runAndKill(fresh, out, ".checkpoint.safetensors.tmp-", 2));
        // 2. inside a resume, while it rebuilds the history
        kills.add(runAndKill(resume, out, ".history.csv.tmp-", 1));
        // 3. inside the first checkpoint write after a resume
        kills.add(runAndKill(resume, out, ".checkpoint.safetensors.tmp-", 1));
        // 4. inside the final model write
        kills.add(runAndKill(resume, out, ".model.safetensors.tmp-", 1));
        // 5. to the end
        assertEquals(0, child(resume, out).waitFor(), "the last resume completes");
        System.out.println("crash test kill points: " + kills);

        assertArrayEquals(Files.readAllBytes(straight.resolve("model.safetensors")),
                Files.readAllBytes(out.resolve("model.safetensors")), "the model, bit for bit");
        assertEquals(withoutTimes(straight), withoutTimes(out), "the full history, every value but the time");
        assertEquals(Files.readAllLines(straight.resolve("history.jsonl")).size(),
                Files.readAllLines(out.resolve("history.jsonl")).size());
        assertEquals(List.of(), RunFolder.leftovers(out), "no temporary file left");
    }

    /** The history rows without their last column (wall time). */
    private static List<String> withoutTimes(Path run) throws IOException {
        return Files.readAllLines(run.resolve("history.csv")).stream().map(l -> l.substring(0, l.lastIndexOf(',')))
                .toList();
    }

    /**
     * Starts the child and kills it with SIGKILL as soon as the {@code count}-th file whose name starts with
     * {@code prefix} appears in {@code folder}; says where it was killed (or that it finished first).
     */
    private static String runAndKill(List<String> args, Path folder, String prefix, int count) throws Exception {
        try (WatchService watch = FileSystems.getDefault().newWatchService()) {
            folder.register(watch, StandardWatchEventKinds.ENTRY_CREATE);
            Process child = child(args, folder);
            int seen = 0;
            while (child.isAlive()) {
                WatchKey key = watch.poll(50, TimeUnit.MILLISECONDS);
                if (key == null) {
                    continue;
                }
                for (WatchEvent<?> event : key.pollEvents()) {
                    if (event.context() instanceof Path p && p.toString().startsWith(prefix) && ++seen == count) {
                        child.destroyForcibly().waitFor();
                        boolean inside = Files.exists(folder.resolve(p));
                        return prefix + "#" + count + (inside ? " (killed mid-write)" : " (killed just after)");
                    }
                }
                key.reset();
            }
            assertTrue(child.exitValue() == 0, "the child failed: see " + folder.resolveSibling("child.log"));
            return prefix + "#" + count + " (finished first)";
        }
    }

    private static Process child(List<String> args, Path folder) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "--add-modules=jdk.incubator.vector",
                "-XX:+UseParallelGC", "-Xss4m", "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        command.addAll(args);
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(folder.resolveSibling("child.log").toFile())).start();
    }
}

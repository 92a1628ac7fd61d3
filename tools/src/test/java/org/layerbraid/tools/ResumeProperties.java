package org.layerbraid.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.CharRange;
import org.layerbraid.mgrit.io.SafeTensors;
import org.layerbraid.tools.run.ConfigFile;

/** Properties of the run cycle and of the .cfg reader. */
class ResumeProperties {
    private static int run(List<String> args) {
        StringWriter err = new StringWriter();
        int code = Main.execute(args.toArray(String[]::new), new PrintWriter(new StringWriter()),
                new PrintWriter(err, true));
        assertEquals(0, code, err.toString());
        return code;
    }

    /**
     * Checkpoint → resume, for any method and split point (and a thread count changed on resume): the same model
     * bits and the same history as a run done in one go.
     */
    @Property(tries = 6, seed = "20261129")
    void aRunSplitAnywhereEqualsItDoneInOneGo(@ForAll @IntRange(min = 1, max = 5) int split,
            @ForAll("methods") String method, @ForAll @IntRange(min = 1, max = 2) int resumeThreads) throws IOException {
        Path dir = Files.createTempDirectory("layerbraid-resume");
        try {
            List<String> base = new ArrayList<>(List.of("train", "--layers", "8", "--train-size", "120",
                    "--validation-size", "30", "--checkpoint-every", "1"));
            base.addAll(switch (method) {
                case "adam" -> List.of("--optimizer", "adam", "--batch", "40");
                case "oneshot" -> List.of("--method", "oneshot");
                default -> List.of();
            });
            List<String> straight = new ArrayList<>(base);
            straight.addAll(List.of("--iterations", "6", "--out", dir.resolve("a").toString()));
            List<String> first = new ArrayList<>(base);
            first.addAll(List.of("--iterations", Integer.toString(split), "--out", dir.resolve("b").toString()));
            run(straight);
            run(first);
            run(List.of("train", "--resume", dir.resolve("b/checkpoint.safetensors").toString(), "--iterations", "6",
                    "--threads", Integer.toString(resumeThreads)));
            SafeTensors a = SafeTensors.read(dir.resolve("a/model.safetensors"));
            SafeTensors b = SafeTensors.read(dir.resolve("b/model.safetensors"));
            assertEquals(a.names(), b.names());
            for (String name : a.names()) {
                assertArrayEquals(a.doubles(name), b.doubles(name), name + ", bit for bit");
            }
            assertEquals(rows(dir.resolve("a")), rows(dir.resolve("b")));
        } finally {
            try (var files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<String> methods() {
        return net.jqwik.api.Arbitraries.of("lbfgs", "adam", "oneshot");
    }

    private static List<String> rows(Path run) throws IOException {
        return Files.readAllLines(run.resolve("history.csv")).stream().map(l -> l.substring(0, l.lastIndexOf(',')))
                .toList();
    }

    /** Whatever keys and values a .cfg holds, with comments and spacing around them, they are read back as written. */
    @Property(tries = 300, seed = "20261129")
    void configFilesReadBackTheirEntries(@ForAll List<@AlphaChars @StringLength(min = 1, max = 12) String> keys,
            @ForAll List<@CharRange(from = ' ', to = '~') @StringLength(max = 20) String> values,
            @ForAll @IntRange(max = 3) int spaces) throws IOException {
        java.util.Map<String, String> expected = new java.util.LinkedHashMap<>();
        StringBuilder text = new StringBuilder("# generated\n");
        String pad = " ".repeat(spaces);
        for (int i = 0; i < Math.min(keys.size(), values.size()); i++) {
            String value = values.get(i).replaceAll("[#\\r\\n\\u0085\\u2028\\u2029]", "").strip();
            if (expected.containsKey(keys.get(i))) {
                continue;
            }
            expected.put(keys.get(i), value);
            text.append(pad).append(keys.get(i)).append(pad).append('=').append(pad).append(values.get(i)
                    .replaceAll("[#\\r\\n\\u0085\\u2028\\u2029]", "")).append(i % 2 == 0 ? "  # note\n" : "\n");
        }
        Path file = Files.createTempFile("layerbraid-property", ".cfg");
        try {
            Files.writeString(file, text);
            ConfigFile cfg = ConfigFile.read(file);
            java.util.Map<String, String> read = new java.util.LinkedHashMap<>();
            cfg.entries().forEach((k, e) -> read.put(k, e.value()));
            assertEquals(expected, read);
        } finally {
            Files.delete(file);
        }
    }
}

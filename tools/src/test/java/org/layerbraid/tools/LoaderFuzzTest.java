package org.layerbraid.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.layerbraid.mgrit.data.Csv;
import org.layerbraid.mgrit.data.CsvOptions;
import org.layerbraid.mgrit.data.Idx;
import org.layerbraid.mgrit.io.SafeTensors;
import org.layerbraid.mgrit.nn.ModelFile;
import org.layerbraid.mgrit.nn.NetworkConfig;
import org.layerbraid.mgrit.nn.ResNet;
import org.layerbraid.tools.run.ConfigFile;
import org.layerbraid.vecmath.Activation;
import org.layerbraid.vecmath.Precision;

/**
 * A fuzzing harness over the loaders (CSV, IDX, safetensors and models, .cfg): valid seed files, mutated (bit
 * flips, interesting bytes, cuts, duplicated and spliced chunks, inserted delimiters) or made at random, each fed to
 * the loader. A loader must either load it or refuse it with an {@link IllegalArgumentException} or an
 * {@link IOException} whose message is one line naming the file; anything else (another exception, an error such
 * as {@link OutOfMemoryError} or {@link StackOverflowError}) is a finding, saved under target/fuzz-findings.
 *
 * <p>The normal test run does a few thousand executions per loader, seeded and so repeatable; the long run is asked
 * for with {@code -Dlayerbraid.fuzz.executions=1000000} (and {@code -Dlayerbraid.fuzz.seed=N} for other inputs).
 * Executions, findings and the slowest input per loader are printed at the end.
 */
class LoaderFuzzTest {
    private static final int EXECUTIONS = Integer.getInteger("layerbraid.fuzz.executions", 3000);
    private static final long SEED = Long.getLong("layerbraid.fuzz.seed", 13);
    private static final List<String> REPORT = new ArrayList<>();
    private static Path dir;

    /** A loader under test: reads the file at {@code input} (and, for IDX, its partner). */
    private interface Loader {
        void load(Path input) throws Exception;
    }

    @BeforeAll
    static void folder() throws IOException {
        Path shm = Path.of("/dev/shm");
        dir = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "layerbraid-fuzz")
                : Files.createTempDirectory("layerbraid-fuzz");
    }

    @AfterAll
    static void report() throws IOException {
        REPORT.forEach(System.out::println);
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Test
    void csv() throws IOException {
        String seed1 = "x1,x2,label\n0.5,-1.25,inner\n2,3e-2,outer\n\"1.0\",7,inner\n# comment\n\n-4,+5,outer\n";
        String seed2 = "a;b;c;class\n1;2;3;0\n4;5;6;1\n7;8;9;2\n";
        List<byte[]> seeds = List.of(seed1.getBytes(StandardCharsets.UTF_8), seed2.getBytes(StandardCharsets.UTF_8),
                "569,30,malignant,benign\n1,2,3,4\n".getBytes(StandardCharsets.UTF_8));
        byte[] dictionary = ",;\"\n\r#.-+eE0123456789\t ".getBytes(StandardCharsets.UTF_8);
        fuzz("csv", seeds, dictionary, input -> Csv.read(input, CsvOptions.defaults()));
        fuzz("csv by name", seeds, dictionary, input -> Csv.read(input, CsvOptions.defaults()
                .withClassNames(List.of("inner", "outer")).withFeatureNames(List.of("x2", "x1"))));
    }

    @Test
    void idx() throws IOException {
        byte[] images = idx(0x0803, new int[] {3, 2, 2}, new byte[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
        byte[] labels = idx(0x0801, new int[] {3}, new byte[] {0, 1, 2});
        Path goodImages = Files.write(dir.resolve("good-images.idx"), images);
        Path goodLabels = Files.write(dir.resolve("good-labels.idx"), labels);
        fuzz("idx", List.of(images, labels, gzip(images), gzip(labels)), new byte[] {0, 8, 3, 1, (byte) 0xff, 0x1f,
            (byte) 0x8b, 0x7f}, input -> {
                try {
                    Idx.read(goodImages, input);
                } catch (IllegalArgumentException e) {
                    requireOneLineNaming(e, input);
                }
                Idx.read(input, goodLabels, 2);
            });
    }

    @Test
    void safetensors() throws IOException {
        Path model = dir.resolve("seed-model.safetensors");
        try (ResNet net = new ResNet(new NetworkConfig(2, 3, 4, 2, 1.0, Activation.TANH, NetworkConfig.Opening.DENSE,
                true, 0, 0, 0, Precision.F64))) {
            ModelFile.write(net, model, ModelFile.dataMetadata(
                    org.layerbraid.mgrit.data.Standardization.identity(2), List.of("a", "b", "c"), List.of("x", "y")));
        }
        Path small = dir.resolve("seed-small.safetensors");
        SafeTensors.writer().metadata("k", "v").add("v", new double[] {1, 2, 3}).add("n", new long[] {4}, 1)
                .write(small);
        byte[] dictionary = "{}[]\":,0123456789 F64I64F32dtypeshapedata_offsets__metadata__".getBytes(
                StandardCharsets.UTF_8);
        fuzz("safetensors", List.of(Files.readAllBytes(model), Files.readAllBytes(small)), dictionary, input -> {
            SafeTensors file = SafeTensors.read(input);
            for (String name : file.names()) {
                if (file.dtype(name) == org.layerbraid.mgrit.io.DType.I64) {
                    file.longs(name);
                } else {
                    file.doubles(name);
                }
            }
            ModelFile.classNames(file);
            ModelFile.featureNames(file);
            ModelFile.read(input).close();
        });
    }

    @Test
    void cfg() throws IOException {
        String seed = "# reference\nnlayers = 32\nnchannels = 8\nT = 1.0\nactivation = SmoothReLu\n"
                + "gamma_tik = 1e-7\nbraid_cfactor = 4  # comment\nhessian_approx = L-BFGS\n";
        fuzz("cfg", List.of(seed.getBytes(StandardCharsets.UTF_8)), "=#\n .-eE0123456789Tbraid_".getBytes(
                StandardCharsets.UTF_8), input -> {
                    ConfigFile cfg = ConfigFile.read(input);
                    for (String key : cfg.entries().keySet()) {
                        try {
                            cfg.number(key);
                            cfg.integer(key);
                        } catch (IllegalArgumentException e) {
                            requireOneLineNaming(e, input);
                        }
                    }
                });
    }

    /**
     * The train command on .cfg files with random keys and odd values, end to end: it trains (zero iterations, a tiny
     * data set) or refuses in one line, never with a stack trace.
     */
    @Test
    void trainCommandOnOddConfigs() throws IOException {
        SplittableRandom random = new SplittableRandom(SEED);
        int runs = Math.max(20, EXECUTIONS / 300);
        int findings = 0;
        String[] keys = {"nlayers", "nchannels", "T", "activation", "gamma_tik", "braid_cfactor", "braid_maxlevels",
            "optim_maxiter", "lbfgs_stages", "ntraining", "nvalidation", "braid_nrelax", "hessian_approx", "nbatch"};
        String[] values = {"0", "-1", "1", "2", "3", "8", "1e300", "NaN", "x", "", "2147483648", "0.5", "L-BFGS", "F"};
        for (int i = 0; i < runs; i++) {
            StringBuilder cfg = new StringBuilder("nlayers = 6\nntraining = 40\nnvalidation = 10\noptim_maxiter = 0\n");
            for (int k = random.nextInt(3); k >= 0; k--) {
                String key = keys[random.nextInt(keys.length)];
                if (!cfg.toString().contains(key + " =")) {
                    cfg.append(key).append(" = ").append(values[random.nextInt(values.length)]).append('\n');
                }
            }
            Path file = Files.writeString(dir.resolve("command.cfg"), cfg);
            StringWriter err = new StringWriter();
            int code = Main.execute(new String[] {"train", "--config", file.toString(),
                "--out", dir.resolve("command-run").toString()}, new PrintWriter(new StringWriter()),
                    new PrintWriter(err, true));
            String message = err.toString().strip();
            boolean ok = code == 0 || (message.lines().count() == 1 && !message.contains("Exception"));
            if (!ok) {
                findings++;
                save("command", cfg.toString().getBytes(StandardCharsets.UTF_8), message);
            }
        }
        REPORT.add(String.format(Locale.ROOT, "fuzz %-12s %9d executions, %d findings", "train --config", runs,
                findings));
        assertEquals(0, findings, "see target/fuzz-findings");
    }

    private static void fuzz(String name, List<byte[]> seeds, byte[] dictionary, Loader loader) throws IOException {
        SplittableRandom random = new SplittableRandom(SEED ^ name.hashCode());
        Path input = dir.resolve("input-" + name.replace(' ', '-'));
        int findings = 0;
        int loaded = 0;
        long slowest = 0;
        long started = System.nanoTime();
        for (int i = 0; i < EXECUTIONS; i++) {
            byte[] bytes = Mutator.next(random, seeds, dictionary);
            Files.write(input, bytes);
            long t0 = System.nanoTime();
            try {
                loader.load(input);
                loaded++;
            } catch (IllegalArgumentException | IOException e) {
                String problem = oneLineNaming(e, input);
                if (problem != null) {
                    findings++;
                    save(name, bytes, problem);
                }
            } catch (Throwable e) {
                findings++;
                save(name, bytes, e.toString());
            }
            slowest = Math.max(slowest, System.nanoTime() - t0);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        REPORT.add(String.format(Locale.ROOT, "fuzz %-12s %9d executions (%d loaded, %d refused), %d findings, "
                + "%.0f per second, slowest %.1f ms", name, EXECUTIONS, loaded, EXECUTIONS - loaded, findings,
                EXECUTIONS / seconds, slowest / 1e6));
        assertEquals(0, findings, name + ": see target/fuzz-findings");
    }

    private static void requireOneLineNaming(RuntimeException e, Path input) {
        String problem = oneLineNaming(e, input);
        if (problem != null) {
            throw new AssertionError(problem, e);
        }
    }

    /** What is wrong with a refusal's message, or null when it is one line naming the file. */
    private static String oneLineNaming(Exception e, Path input) {
        String m = e.getMessage();
        if (m == null || m.isBlank() || m.lines().count() != 1) {
            return "not one line: " + e;
        }
        return m.contains(input.getFileName().toString()) ? null : "does not name the file: " + e;
    }

    private static void save(String loader, byte[] bytes, String problem) {
        try {
            Path findings = Files.createDirectories(Path.of("target", "fuzz-findings"));
            String id = loader + "-" + HexFormat.of().toHexDigits(java.util.Arrays.hashCode(bytes));
            Files.write(findings.resolve(id + ".bin"), bytes);
            Files.writeString(findings.resolve(id + ".txt"), problem + "\n");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static byte[] idx(int magic, int[] dims, byte[] body) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 + 4 * dims.length + body.length);
        b.putInt(magic);
        for (int d : dims) {
            b.putInt(d);
        }
        return b.put(body).array();
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(bytes);
        }
        return out.toByteArray();
    }
}

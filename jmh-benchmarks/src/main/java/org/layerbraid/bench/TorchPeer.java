package org.layerbraid.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@link SerialGradientBench}'s network written in PyTorch ({@code peaks_torch.py}, beside this class), run by a
 * {@code python3} that can import torch: the same forward + backward (smooth ReLU, f64, scalar bias, the same
 * regularisation and parameter count), timed on the CPU in its own process.
 */
public final class TorchPeer {
    /** Interpreters tried in order: Debian's (where python3-torch installs), then the first on the PATH. */
    private static final List<String> PYTHONS = List.of("/usr/bin/python3", "python3");
    private static final String SCRIPT = "peaks_torch.py";

    private final String python;
    private final String version;

    private TorchPeer(String python, String version) {
        this.python = python;
        this.version = version;
    }

    /** One timed configuration, as the script prints it. */
    public record Result(int layers, int width, int examples, int threads, String activation, String dtype,
            int parameters, int repetitions, double medianMs, double minMs, double maxMs, double nsPerLayerExample,
            String torch) {
    }

    /** The first interpreter of {@link #PYTHONS} that imports torch, or empty when none does. */
    public static Optional<TorchPeer> find() {
        for (String python : PYTHONS) {
            try {
                Process p = new ProcessBuilder(python, "-c", "import torch; print(torch.__version__)")
                        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0 && !out.isEmpty()) {
                    return Optional.of(new TorchPeer(python, out));
                }
                p.destroy();
            } catch (IOException e) {
                // not installed under this name: try the next
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** Why {@link #find()} found nothing, in one line. */
    public static String missing() {
        return "PyTorch not found: none of " + String.join(", ", PYTHONS) + " can import torch (Debian: apt-get "
                + "install python3-torch); the peers comparison is skipped.";
    }

    /** The interpreter and torch version, e.g. {@code /usr/bin/python3, torch 1.13.0}. */
    public String describe() {
        return python + ", torch " + version;
    }

    /**
     * Times one forward + backward of the network of {@code layers} residual layers on {@code threads} threads: three
     * untimed repetitions, then at least five and at least {@code seconds}; the median counts.
     *
     * @throws IOException when the script fails (its error output is in the message)
     */
    public Result run(int layers, int width, int examples, int threads, double seconds)
            throws IOException, InterruptedException {
        Path script = Files.createTempFile("layerbraid-", "-" + SCRIPT);
        try {
            try (InputStream in = TorchPeer.class.getResourceAsStream(SCRIPT)) {
                Files.write(script, in.readAllBytes());
            }
            ProcessBuilder pb = new ProcessBuilder(python, script.toString(), "--layers", String.valueOf(layers),
                    "--width", String.valueOf(width), "--examples", String.valueOf(examples), "--threads",
                    String.valueOf(threads), "--seconds", String.valueOf(seconds));
            // PyTorch's CPU allocator hands every tensor to glibc's malloc, which maps and unmaps each one above
            // 128 kB (a 5000 × 8 state is 320 kB): in a virtual machine those page faults can cost more than the
            // arithmetic (N = 256: 2.2–3.5 s against 0.39 s measured on 2026-11-29). Raised thresholds keep freed
            // memory for reuse, so PyTorch is measured at its best.
            pb.environment().put("MALLOC_MMAP_THRESHOLD_", "4294967296");
            pb.environment().put("MALLOC_TRIM_THRESHOLD_", "68719476736");
            pb.environment().put("MALLOC_TOP_PAD_", "536870912");
            Process p = pb.start();
            byte[] err = p.getErrorStream().readAllBytes();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IOException(SCRIPT + " failed (" + python + "): " + new String(err, StandardCharsets.UTF_8));
            }
            return new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                    .readValue(out, Result.class);
        } finally {
            Files.deleteIfExists(script);
        }
    }
}

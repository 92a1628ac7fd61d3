package org.layerbraid.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * train --layer conv and predict on its model end to end, on a tiny Fashion-MNIST look-alike, and every refusal of
 * a convolutional setting in one line with nothing written.
 */
class ConvolutionCommandTest {
    @TempDir
    Path dir;

    private final StringWriter err = new StringWriter();
    private Path images;

    private int run(String... args) {
        err.getBuffer().setLength(0);
        return Main.execute(args, new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
    }

    @BeforeEach
    void fakeFashionMnist() throws IOException {
        images = dir.resolve("fashion");
        writeImages(images, 28, 28, 24);
    }

    /** The four gzip'd IDX files of Debian's layout, {@code n} random images of rows × cols per part. */
    private static void writeImages(Path folder, int rows, int cols, int n) throws IOException {
        Files.createDirectories(folder);
        SplittableRandom random = new SplittableRandom(9);
        for (String part : new String[] {"train", "t10k"}) {
            byte[] pixels = new byte[n * rows * cols];
            byte[] labels = new byte[n];
            for (int e = 0; e < n; e++) {
                labels[e] = (byte) (e % 10);
                for (int p = 0; p < rows * cols; p++) {
                    // class-dependent brightness in one band of rows, so the network has something to learn
                    int row = p / cols;
                    pixels[e * rows * cols + p] = (byte) (row == labels[e] ? 200 : random.nextInt(60));
                }
            }
            Files.write(folder.resolve(part + "-images-idx3-ubyte.gz"), gzip(ByteBuffer.allocate(16 + pixels.length)
                    .putInt(0x803).putInt(n).putInt(rows).putInt(cols).put(pixels).array()));
            Files.write(folder.resolve(part + "-labels-idx1-ubyte.gz"), gzip(ByteBuffer.allocate(8 + n)
                    .putInt(0x801).putInt(n).put(labels).array()));
        }
    }

    private static byte[] gzip(byte[] content) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(content);
        }
        return out.toByteArray();
    }

    private String[] conv(Path out, String... extra) {
        return conv(2, out, extra);
    }

    private String[] conv(int channels, Path out, String... extra) {
        String[] base = {"train", "--example", "fashion-mnist", "--fashion-mnist-dir", images.toString(), "--layer",
            "conv", "--kernel", "3", "--width", Integer.toString(channels), "--layers", "4", "--iterations", "2",
            "--checkpoint-every", "0", "--out", out.toString()};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return args;
    }

    @Test
    void aConvolutionalRunTrainsSavesAndPredicts() throws IOException {
        for (String opening : new String[] {"replicate", "conv"}) {
            Path out = dir.resolve(opening);
            assertEquals(0, run(conv(out, "--opening", opening, "--method", "oneshot", "--cfactor0", "2", "--threads",
                    "2")), err.toString());
            JsonNode network = new ObjectMapper().readTree(out.resolve("summary.json").toFile()).get("network");
            assertEquals(2, network.get("width").asInt(), "channels");
            assertEquals(3, network.get("convolution").get("kernel").asInt());
            assertEquals(28, network.get("convolution").get("height").asInt());
            assertEquals(opening.toUpperCase(java.util.Locale.ROOT), network.get("opening").asText());
            Path predictions = dir.resolve(opening + ".csv");
            assertEquals(0, run("predict", "--model", out.resolve("model.safetensors").toString(), "--out",
                    predictions.toString()), err.toString());
            assertEquals(25, Files.readAllLines(predictions).size(), "a header and the 24 validation images");
        }
        // a model of 2 channels cannot start a run of 3
        Path other = dir.resolve("three-channels");
        assertEquals(1, run(conv(3, other, "--init-from",
                dir.resolve("conv").resolve("model.safetensors").toString())));
        assertTrue(err.toString().strip().endsWith("the model has 2 channels, 3 × 3 kernels on 28 × 28 images, "
                + "this run 3 channels, 3 × 3 kernels on 28 × 28 images"), err.toString());
        assertFalse(Files.exists(other.resolve("model.safetensors")));
        // nor can a resume change them
        assertEquals(2, run("train", "--resume", dir.resolve("conv").resolve("checkpoint.safetensors").toString(),
                "--width", "3"));
        assertTrue(err.toString().contains("cannot change: --width"), err.toString());
    }

    @Test
    void badConvolutionalSettingsEndWithOneLineAndWriteNothing() throws IOException {
        Path out = dir.resolve("bad");
        Path small = dir.resolve("small");
        writeImages(small, 14, 14, 4);
        Path csv = Files.writeString(dir.resolve("d.csv"), "a,b,label\n1,2,x\n3,4,y\n5,6,x\n7,8,y\n1,1,x\n");
        String[][] cases = {
            {"--kernel", "4"},
            {"--kernel", "29"},
            {"--kernel", "0"},
            {"--layer", "pooling"},
            {"--opening", "dense"},
            {"--bias", "scalar"},
            {"--fashion-mnist-dir", small.toString()},
        };
        for (String[] extra : cases) {
            assertOneLine(conv(out, extra));
        }
        assertOneLine("train", "--layer", "conv", "--out", out.toString());
        assertOneLine("train", "--layer", "conv", "--data", csv.toString(), "--out", out.toString());
        assertOneLine("train", "--opening", "replicate", "--out", out.toString());
        assertFalse(Files.exists(out), "nothing written for bad input");
    }

    private void assertOneLine(String... args) {
        int code = run(args);
        String message = err.toString().strip();
        assertTrue(code != 0, String.join(" ", args) + " must fail");
        assertEquals(1, message.lines().count(), String.join(" ", args) + " → " + message);
        assertFalse(message.contains("Exception"), message);
    }

    @Test
    void aReferenceConvolutionalConfigurationImports() throws IOException {
        Path cfg = dir.resolve("mnist.cfg");
        Files.writeString(cfg, """
                network_type = convolutional
                nchannels = 1568
                nlayers = 4
                T = 1.0
                activation = tanh
                type_openlayer = replicate
                optim_maxiter = 1
                """);
        Path out = dir.resolve("cfg");
        assertEquals(0, run("train", "--config", cfg.toString(), "--example", "fashion-mnist", "--fashion-mnist-dir",
                images.toString(), "--checkpoint-every", "0", "--out", out.toString()), err.toString());
        JsonNode network = new ObjectMapper().readTree(out.resolve("summary.json").toFile()).get("network");
        assertEquals(2, network.get("width").asInt(), "nchannels = channels × 784 pixels");
        assertEquals("REPLICATE", network.get("opening").asText());
        assertEquals(2, network.get("layers").asInt());
        Files.writeString(cfg, "network_type = convolutional\nnchannels = 1000\n");
        Path bad = dir.resolve("bad-cfg");
        assertEquals(1, run("train", "--config", cfg.toString(), "--example", "fashion-mnist", "--fashion-mnist-dir",
                images.toString(), "--out", bad.toString()));
        assertTrue(err.toString().contains("line 2: nchannels = '1000': a convolutional network's nchannels is "
                + "channels × image pixels, and 1000 is not a multiple of the 28 × 28 image's 784 pixels"),
                err.toString());
        assertFalse(Files.exists(bad));
    }
}

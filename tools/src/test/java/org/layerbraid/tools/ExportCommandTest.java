package org.layerbraid.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerbraid.mgrit.data.Standardization;
import org.layerbraid.mgrit.nn.Initialization;
import org.layerbraid.mgrit.nn.ModelFile;
import org.layerbraid.mgrit.nn.NetworkConfig;
import org.layerbraid.mgrit.nn.OnnxExport;
import org.layerbraid.mgrit.nn.ResNet;
import org.layerbraid.vecmath.Activation;
import org.layerbraid.vecmath.Precision;

/** {@code layerbraid export}: what it refuses (one line, nothing written) and what it writes. */
class ExportCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @TempDir
    Path dir;
    private Path model;

    @BeforeEach
    void writeModel() throws IOException {
        NetworkConfig config = new NetworkConfig(2, 3, 4, 5, 1.0, Activation.SMOOTH_RELU, NetworkConfig.Opening.DENSE,
                true, 0, 0, 0, Precision.F64);
        model = dir.resolve("model.safetensors");
        try (ResNet network = new ResNet(config)) {
            new Initialization(Initialization.Kind.NORMAL, 0.5, 0.5, 0.5).apply(network.parameters(), 1);
            ModelFile.write(network, model, ModelFile.dataMetadata(new Standardization(new double[] {1, 2},
                    new double[] {3, 4}), List.of("a", "b", "c"), List.of()));
        }
    }

    private int run(String... args) {
        return Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    private String oneErrorLine() {
        String message = err.toString().strip();
        assertEquals(1, message.lines().count(), message);
        return message;
    }

    @Test
    void writesAGraphThatOnnxRuntimeLoads() throws Exception {
        Path onnx = dir.resolve("model.onnx");
        assertEquals(0, run("export", "--format", "onnx", "--model", model.toString(), "--out", onnx.toString()),
                err.toString());
        String line = out.toString().strip();
        assertEquals(1, line.lines().count(), line);
        assertTrue(line.startsWith("Wrote " + onnx + ": input x [batch × 2 double, raw features], output "
                + "probabilities [batch × 3 double], ONNX opset 13, "), line);
        try (OrtSession session = OrtEnvironment.getEnvironment().createSession(onnx.toString(),
                new OrtSession.SessionOptions())) {
            assertEquals(Set.of(OnnxExport.INPUT), session.getInputNames());
            assertEquals(Set.of(OnnxExport.OUTPUT), session.getOutputNames());
            assertEquals("[\"a\",\"b\",\"c\"]", session.getMetadata().getCustomMetadata()
                    .get(OnnxExport.CLASS_NAMES_KEY));
        }
        // --force replaces, and the result is the same file
        byte[] first = Files.readAllBytes(onnx);
        assertEquals(0, run("export", "--model", model.toString(), "--out", onnx.toString(), "--force"));
        assertArrayEquals(first, Files.readAllBytes(onnx));
    }

    @Test
    void refusesAnUnknownFormat() {
        Path onnx = dir.resolve("model.tflite");
        assertEquals(2, run("export", "--format", "tflite", "--model", model.toString(), "--out", onnx.toString()));
        assertEquals("layerbraid: unknown --format 'tflite': only onnx is supported", oneErrorLine());
        assertFalse(Files.exists(onnx));
    }

    @Test
    void refusesAMissingOrBrokenModel() throws IOException {
        Path onnx = dir.resolve("model.onnx");
        Path missing = dir.resolve("nope.safetensors");
        assertEquals(1, run("export", "--model", missing.toString(), "--out", onnx.toString()));
        assertEquals("layerbraid export: model file " + missing + " does not exist", oneErrorLine());
        err.getBuffer().setLength(0);
        Path broken = dir.resolve("broken.safetensors");
        Files.write(broken, new byte[] {1, 2, 3});
        assertEquals(1, run("export", "--model", broken.toString(), "--out", onnx.toString()));
        assertTrue(oneErrorLine().startsWith("layerbraid export: " + broken + ": "), err.toString());
        assertFalse(Files.exists(onnx));
    }

    @Test
    void neverReplacesAFileWithoutForce() throws IOException {
        Path onnx = dir.resolve("precious.onnx");
        Files.writeString(onnx, "keep me");
        assertEquals(1, run("export", "--model", model.toString(), "--out", onnx.toString()));
        assertEquals("layerbraid export: " + onnx + " exists: give --force to replace it", oneErrorLine());
        assertEquals("keep me", Files.readString(onnx));
        err.getBuffer().setLength(0);
        assertEquals(1, run("export", "--model", model.toString(), "--out", model.toString(), "--force"));
        assertEquals("layerbraid export: --out " + model + " is the model file itself", oneErrorLine());
        err.getBuffer().setLength(0);
        Path nowhere = dir.resolve("missing-folder").resolve("m.onnx");
        assertEquals(1, run("export", "--model", model.toString(), "--out", nowhere.toString()));
        assertTrue(oneErrorLine().endsWith("does not exist"), err.toString());
        assertFalse(Files.exists(nowhere.getParent()));
    }
}

package org.layerbraid.mgrit.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.layerbraid.mgrit.data.Standardization;
import org.layerbraid.mgrit.io.SafeTensors;
import org.layerbraid.mgrit.nn.Initialization;
import org.layerbraid.mgrit.nn.ModelFile;
import org.layerbraid.mgrit.nn.NetworkConfig;
import org.layerbraid.mgrit.nn.Parameters;
import org.layerbraid.mgrit.nn.ResNet;
import org.layerbraid.vecmath.Activation;
import org.layerbraid.vecmath.Kernels;
import org.layerbraid.vecmath.Matrix;
import org.layerbraid.vecmath.Precision;
import org.layerbraid.vecmath.TensorArena;

class PredictorTest {
    @TempDir
    Path dir;

    private static NetworkConfig config(Activation act, NetworkConfig.Opening opening, boolean scalarBias,
            Precision precision) {
        return new NetworkConfig(3, 4, 5, 7, 2.0, act, opening, scalarBias, 0, 0, 0, precision);
    }

    private static ResNet network(NetworkConfig c, long seed) {
        return network(c, seed, 0.7);
    }

    private static ResNet network(NetworkConfig c, long seed, double scale) {
        ResNet net = new ResNet(c);
        new Initialization(Initialization.Kind.NORMAL, scale, scale, scale).apply(net.parameters(), seed);
        return net;
    }

    private static final Standardization SCALING = new Standardization(new double[] {0.5, -1, 2},
            new double[] {2, 0.25, 3});

    /** Logits of the batch through the kernels (the training path): opening, residual steps, classifier. */
    private static double[][] kernelLogits(Kernels kernels, ResNet net, double[][] raw) {
        NetworkConfig c = net.config();
        Parameters p = net.parameters();
        int n = raw.length;
        try (TensorArena a = new TensorArena("test")) {
            Matrix y = a.matrix(c.precision(), c.features(), n);
            double[] standardized = SCALING.apply(flatten(raw));
            for (int e = 0; e < n; e++) {
                for (int f = 0; f < c.features(); f++) {
                    y.set(f, e, standardized[e * c.features() + f]);
                }
            }
            Matrix u = a.matrix(c.precision(), c.width(), n);
            Matrix next = a.matrix(c.precision(), c.width(), n);
            if (c.opening() == NetworkConfig.Opening.DENSE) {
                Matrix z = a.matrix(c.precision(), c.width(), n);
                kernels.gemm(false, false, 1, p.openingWeights(), y, 0, z);
                kernels.addBias(p.openingBias(), z);
                kernels.activate(c.activation(), z, u);
            } else {
                kernels.fill(u, 0);
                kernels.copy(y, u.rowRange(0, c.features()));
            }
            for (int l = 0; l < c.layers(); l++) {
                kernels.residualStep(p.weights(l), p.bias(l), c.h(), c.activation(), u, next, null);
                Matrix t = u;
                u = next;
                next = t;
            }
            Matrix logits = a.matrix(c.precision(), c.classes(), n);
            kernels.gemm(false, false, 1, p.classifierWeights(), u, 0, logits);
            kernels.addBias(p.classifierBias(), logits);
            double[][] out = new double[n][c.classes()];
            for (int e = 0; e < n; e++) {
                for (int k = 0; k < c.classes(); k++) {
                    out[e][k] = logits.get(k, e);
                }
            }
            return out;
        }
    }

    private static double[] flatten(double[][] rows) {
        double[] flat = new double[rows.length * rows[0].length];
        for (int e = 0; e < rows.length; e++) {
            System.arraycopy(rows[e], 0, flat, e * rows[e].length, rows[e].length);
        }
        return flat;
    }

    private static double[][] inputs(int n, int d, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] x = new double[n][d];
        for (double[] row : x) {
            for (int f = 0; f < d; f++) {
                row[f] = r.nextDouble(-4, 4);
            }
        }
        return x;
    }

    /**
     * Same summation order as the scalar kernels: bitwise equal logits for tanh and ReLU; the smooth ReLU's patch is
     * evaluated in another (branch-free) form, equal up to rounding. Scale 0.02 puts most pre-activations in the patch.
     */
    @ParameterizedTest
    @CsvSource({"TANH,DENSE,true,0.7,0", "RELU,DENSE,false,0.7,0", "SMOOTH_RELU,ZERO_PAD,true,0.7,1e-13",
        "SMOOTH_RELU,DENSE,false,0.7,1e-13", "SMOOTH_RELU,DENSE,true,0.02,1e-13"})
    void f64LogitsMatchTheScalarAndThePanamaKernels(Activation act, NetworkConfig.Opening opening,
            boolean scalarBias, double scale, double scalarTolerance) {
        try (ResNet net = network(config(act, opening, scalarBias, Precision.F64), 11, scale)) {
            double[][] x = inputs(9, 3, 5);
            Model model = Model.of(net, SCALING, List.of(), List.of());
            double[][] scalar = kernelLogits(Kernels.scalar(), net, x);
            double[][] fast = kernelLogits(Kernels.defaults(), net, x);
            try (Predictor p = model.predictor()) {
                double[] logits = new double[4];
                for (int e = 0; e < x.length; e++) {
                    int k = p.logits(x[e], logits);
                    assertArrayEquals(scalar[e], logits, scalarTolerance, "example " + e);
                    assertArrayEquals(fast[e], logits, 1e-12, "example " + e);
                    assertEquals(argmax(scalar[e]), k);
                }
            }
        }
    }

    @Test
    void f32ModelsPredictInDoubleCloseToTheF32Kernels() {
        try (ResNet net = network(config(Activation.TANH, NetworkConfig.Opening.DENSE, false, Precision.F32), 3)) {
            double[][] x = inputs(6, 3, 8);
            double[][] expected = kernelLogits(Kernels.scalar(), net, x);
            Predictor p = Model.of(net, SCALING, List.of(), List.of()).predictor();
            double[] logits = new double[4];
            for (int e = 0; e < x.length; e++) {
                p.logits(x[e], logits);
                assertArrayEquals(expected[e], logits, 1e-4);
            }
        }
    }

    @Test
    void everyEntryPointAgrees() {
        try (ResNet net = network(config(Activation.SMOOTH_RELU, NetworkConfig.Opening.DENSE, false, Precision.F64), 2);
                Arena arena = Arena.ofConfined()) {
            Model model = Model.of(net, SCALING, List.of("a", "b", "c", "d"), List.of("x", "y", "z"));
            Predictor p = model.predictor();
            double[][] x = inputs(7, 3, 9);
            double[] rows = flatten(x);
            double[] batchProbabilities = new double[7 * 4];
            int[] batchClasses = new int[7];
            p.probabilities(rows, 7, batchProbabilities);
            p.predict(rows, 7, batchClasses);
            MemorySegment in = arena.allocate(ValueLayout.JAVA_DOUBLE, rows.length);
            MemorySegment.copy(rows, 0, in, ValueLayout.JAVA_DOUBLE, 0, rows.length);
            MemorySegment out = arena.allocate(ValueLayout.JAVA_DOUBLE, 7 * 4);
            int[] segmentClasses = new int[7];
            p.probabilities(in, 7, out);
            p.predict(in, 7, segmentClasses);
            for (int e = 0; e < 7; e++) {
                double[] probabilities = new double[4];
                int k = p.probabilities(x[e], probabilities);
                double[] logits = new double[4];
                p.logits(x[e], logits);
                double sum = 0;
                for (int c = 0; c < 4; c++) {
                    double softmax = Math.exp(logits[c]) / (Math.exp(logits[0]) + Math.exp(logits[1])
                            + Math.exp(logits[2]) + Math.exp(logits[3]));
                    assertEquals(softmax, probabilities[c], 1e-14);
                    assertEquals(probabilities[c], batchProbabilities[e * 4 + c]);
                    assertEquals(probabilities[c], out.getAtIndex(ValueLayout.JAVA_DOUBLE, e * 4 + c));
                    sum += probabilities[c];
                }
                assertEquals(1, sum, 1e-14);
                assertEquals(argmax(logits), k);
                assertEquals(k, p.predict(x[e]));
                float[] xf = {(float) x[e][0], (float) x[e][1], (float) x[e][2]};
                double[] fromFloats = new double[4];
                p.probabilities(xf, fromFloats);
                assertArrayEquals(probabilities, fromFloats, 1e-5);
                assertEquals(k, batchClasses[e]);
                assertEquals(k, segmentClasses[e]);
            }
            assertEquals("c", model.className(2));
        }
    }

    @Test
    void loadReadsNamesAndStandardisationAndRefusesNonFiniteWeights() throws IOException {
        try (ResNet net = network(config(Activation.TANH, NetworkConfig.Opening.DENSE, true, Precision.F64), 4)) {
            Path file = dir.resolve("m.safetensors");
            ModelFile.write(net, file, ModelFile.dataMetadata(SCALING, List.of("w", "x", "y", "z"),
                    List.of("f1", "f2", "f3")));
            Model model = Model.load(file);
            assertEquals(List.of("w", "x", "y", "z"), model.classNames());
            assertEquals(List.of("f1", "f2", "f3"), model.featureNames());
            assertEquals(SCALING, model.standardization());
            double[] x = {0.3, -2, 1.5};
            double[] fromFile = new double[4];
            double[] inMemory = new double[4];
            model.predictor().logits(x, fromFile);
            Model.of(net, SCALING, List.of(), List.of()).predictor().logits(x, inMemory);
            assertArrayEquals(inMemory, fromFile, 0);

            Path old = dir.resolve("old.safetensors");
            ModelFile.write(net, old, Map.of());
            Model unnamed = Model.load(old);
            assertEquals(List.of(), unnamed.classNames());
            assertEquals("3", unnamed.className(3));
            assertEquals(Standardization.identity(3), unnamed.standardization());

            net.parameters().weights(5).set(1, 2, Double.NaN);
            Path bad = dir.resolve("bad.safetensors");
            ModelFile.write(net, bad, Map.of());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Model.load(bad));
            assertTrue(e.getMessage().contains("layers.5.weight") && e.getMessage().contains("bad.safetensors"),
                    e.getMessage());
            assertTrue(SafeTensors.read(bad).names().contains("layers.5.weight"));
        }
    }

    @Test
    void badInputIsRefusedWithOneSentenceAndNothingWritten() {
        try (ResNet net = network(config(Activation.TANH, NetworkConfig.Opening.DENSE, true, Precision.F64), 4)) {
            Predictor p = Model.of(net, SCALING, List.of(), List.of()).predictor();
            double[] out = {7, 7, 7, 7};
            assertEquals("the model takes 3 features, got 2",
                    assertThrows(IllegalArgumentException.class, () -> p.probabilities(new double[2], out))
                            .getMessage());
            assertTrue(assertThrows(IllegalArgumentException.class,
                    () -> p.probabilities(new double[] {1, Double.NaN, 0}, out)).getMessage().contains("feature 1"));
            double[] rows = {1, 2, 3, 4, 5, Double.POSITIVE_INFINITY};
            double[] batchOut = new double[8];
            assertTrue(assertThrows(IllegalArgumentException.class, () -> p.probabilities(rows, 2, batchOut))
                    .getMessage().contains("example 1, feature 2"));
            assertArrayEquals(new double[8], batchOut);
            assertThrows(IllegalArgumentException.class, () -> p.probabilities(new double[3], new double[3]));
            assertThrows(IllegalArgumentException.class, () -> p.predict(new double[5], 2, new int[2]));
            assertArrayEquals(new double[] {7, 7, 7, 7}, out);
            p.close();
            assertThrows(IllegalStateException.class, () -> p.predict(new double[3]));
        }
    }

    private static int argmax(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}

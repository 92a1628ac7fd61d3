package org.layerbraid.mgrit.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerbraid.vecmath.Matrix;
import org.layerbraid.vecmath.Precision;
import org.layerbraid.vecmath.TensorArena;

/**
 * Files written here, read by an independent parser: Python's json for the header and numpy.frombuffer for the data.
 * Skipped where python3 with numpy is not installed.
 */
class NumpyInteropTest {
    /**
     * Prints the metadata, then per tensor (by name) its dtype, shape and a position-weighted checksum: the exactly
     * rounded sum (math.fsum) of value × (index + 1) over the flattened array, or the exact integer sum for I64.
     */
    private static final String SCRIPT = """
            import json, math, struct, sys
            import numpy as np
            raw = open(sys.argv[1], 'rb').read()
            n = struct.unpack('<Q', raw[:8])[0]
            assert n % 8 == 0, n
            header = json.loads(raw[8:8 + n])
            data = raw[8 + n:]
            types = {'F32': '<f4', 'F64': '<f8', 'I64': '<i8'}
            print('metadata', json.dumps(header.pop('__metadata__', {}), sort_keys=True, separators=(',', ':')))
            for name in sorted(header):
                t = header[name]
                begin, end = t['data_offsets']
                dtype = np.dtype(types[t['dtype']])
                a = np.frombuffer(data, dtype=dtype, count=(end - begin) // dtype.itemsize, offset=begin)
                a = a.reshape(t['shape'])
                flat = a.ravel().tolist()
                if t['dtype'] == 'I64':
                    checksum = sum((i + 1) * v for i, v in enumerate(flat))
                else:
                    checksum = math.fsum(v * (i + 1) for i, v in enumerate(flat))
                print(name, t['dtype'], 'x'.join(str(d) for d in a.shape), repr(checksum))
            """;

    @TempDir
    Path dir;

    @Test
    void numpyReadsWhatWeWrite() throws IOException, InterruptedException {
        assumeTrue(numpyAvailable(), "python3 with numpy is not installed");
        Path file = dir.resolve("interop.safetensors");
        double[] cube = new double[2 * 3 * 4];
        for (int i = 0; i < cube.length; i++) {
            cube[i] = Math.exp(-0.3 * i) - 0.25;
        }
        long[] counters = {3, -7, 1L << 40, 12345678901L};
        List<String> expected = new ArrayList<>();
        expected.add("metadata {\"format\":\"layerbraid\",\"step\":\"42\"}");
        try (TensorArena arena = new TensorArena("test")) {
            Matrix weights = SafeTensorsTest.filled(arena.matrix(Precision.F32, 3, 7), 0.1);
            Matrix view = SafeTensorsTest.filled(arena.matrix(Precision.F64, 6, 11), 0.2).columns(2, 9).rowRange(1, 5);
            SafeTensors.writer()
                    .metadata("step", "42").metadata("format", "layerbraid")
                    .add("w", weights).add("w.flat", weights, 21).add("view", view)
                    .add("cube", cube, 2, 3, 4).add("counters", counters)
                    .write(file);
            expected.add("counters I64 4 " + (counters[0] + 2 * counters[1] + 3 * counters[2] + 4 * counters[3]));
            expected.add("cube F64 2x3x4 " + checksum(cube));
            expected.add("view F64 4x7 " + checksum(view.toArray()));
            expected.add("w F32 3x7 " + checksum(weights.toArray()));
            expected.add("w.flat F32 21 " + checksum(weights.toArray()));
        }
        Path output = dir.resolve("python.out");
        Process python = new ProcessBuilder("python3", "-c", SCRIPT, file.toString())
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        if (!python.waitFor(60, TimeUnit.SECONDS)) {
            python.destroyForcibly();
            throw new AssertionError("python3 took more than 60 s");
        }
        List<String> lines = Files.readAllLines(output);
        assertEquals(0, python.exitValue(), String.join("\n", lines));
        assertEquals(expected.size(), lines.size(), String.join("\n", lines));
        for (int i = 0; i < expected.size(); i++) {
            String want = expected.get(i);
            String got = lines.get(i);
            if (want.contains(" F")) {
                // Python prints repr(), Java Double.toString: compare the numbers, exactly.
                String prefix = want.substring(0, want.lastIndexOf(' ') + 1);
                assertTrue(got.startsWith(prefix), got + " vs " + want);
                assertEquals(Double.parseDouble(want.substring(prefix.length())),
                        Double.parseDouble(got.substring(prefix.length())), 0.0, got);
            } else {
                assertEquals(want, got);
            }
        }
    }

    /** What math.fsum computes: the exact sum of value × (index + 1), each product rounded, then rounded once. */
    private static double checksum(double[] values) {
        BigDecimal sum = BigDecimal.ZERO;
        for (int i = 0; i < values.length; i++) {
            sum = sum.add(new BigDecimal(values[i] * (i + 1)));
        }
        return sum.doubleValue();
    }

    private static boolean numpyAvailable() throws InterruptedException {
        try {
            Process p = new ProcessBuilder("python3", "-c", "import numpy").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }
}

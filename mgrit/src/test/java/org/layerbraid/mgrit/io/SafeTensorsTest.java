package org.layerbraid.mgrit.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerbraid.vecmath.Matrix;
import org.layerbraid.vecmath.Precision;
import org.layerbraid.vecmath.TensorArena;

/** Round trips, the exact bytes of the format, determinism and misuse of the safetensors reader and writer. */
class SafeTensorsTest {
    @TempDir
    Path dir;

    /** A matrix with distinct, non-round values (so a transposed or shifted copy cannot pass). */
    static Matrix filled(Matrix m, double seed) {
        for (int r = 0; r < m.rows(); r++) {
            for (int c = 0; c < m.cols(); c++) {
                m.set(r, c, Math.sin(seed + 0.37 * r + 1.91 * c) * (1 + r * m.cols() + c));
            }
        }
        return m;
    }

    @Test
    void matricesRoundTripWithTheirPrecisionAndShape() throws IOException {
        Path file = dir.resolve("m.safetensors");
        try (TensorArena arena = new TensorArena("test")) {
            Matrix f32 = filled(arena.matrix(Precision.F32, 3, 7), 0.1);
            Matrix f64 = filled(arena.matrix(Precision.F64, 5, 3), 0.2);
            Matrix packed = filled(arena.packed(Precision.F64, 2, 2), 0.3);
            Matrix big = filled(arena.matrix(Precision.F64, 4, 9), 0.4);
            Matrix columns = big.columns(2, 5);
            Matrix rows = big.rowRange(1, 3);
            Matrix f32View = filled(arena.matrix(Precision.F32, 6, 13), 0.5).columns(3, 12).rowRange(2, 5);
            assertTrue(f32.ld() > f32.cols() && f64.ld() > f64.cols(), "the test needs padded rows");
            SafeTensors.writer().add("f32", f32).add("f64", f64).add("packed", packed).add("columns", columns)
                    .add("rows", rows).add("f32View", f32View).write(file);

            SafeTensors read = SafeTensors.read(file);
            assertEquals(List.of("columns", "f32", "f32View", "f64", "packed", "rows"), read.names());
            Map<String, Matrix> written = Map.of("f32", f32, "f64", f64, "packed", packed, "columns", columns,
                    "rows", rows, "f32View", f32View);
            for (Map.Entry<String, Matrix> w : written.entrySet()) {
                String name = w.getKey();
                Matrix m = w.getValue();
                assertEquals(m.precision() == Precision.F64 ? DType.F64 : DType.F32, read.dtype(name), name);
                assertArrayEquals(new long[] {m.rows(), m.cols()}, read.shape(name), name);
                assertArrayEquals(m.toArray(), read.doubles(name), name + ": float32 widens exactly");
                Matrix padded = arena.matrix(m.precision(), m.rows(), m.cols());
                read.copyInto(name, padded);
                assertArrayEquals(m.toArray(), padded.toArray(), name);
                Matrix tight = arena.packed(m.precision(), m.rows(), m.cols());
                read.copyInto(name, tight);
                assertArrayEquals(m.toArray(), tight.toArray(), name);
            }
        }
    }

    @Test
    void copyIntoAViewLeavesTheRestOfTheMatrixAlone() throws IOException {
        Path file = dir.resolve("view.safetensors");
        try (TensorArena arena = new TensorArena("test")) {
            SafeTensors.writer().add("w", filled(arena.matrix(Precision.F32, 2, 3), 0.7)).write(file);
            Matrix target = arena.matrix(Precision.F32, 4, 5);
            SafeTensors.read(file).copyInto("w", target.rowRange(1, 3).columns(1, 4));
            double[] expected = filled(arena.packed(Precision.F32, 2, 3), 0.7).toArray();
            for (int r = 0; r < 4; r++) {
                for (int c = 0; c < 5; c++) {
                    boolean inside = r >= 1 && r < 3 && c >= 1 && c < 4;
                    assertEquals(inside ? expected[(r - 1) * 3 + c - 1] : 0.0, target.get(r, c), r + "," + c);
                }
            }
        }
    }

    @Test
    void aMatrixCanBeStoredFlatAndLoadedIntoEitherShape() throws IOException {
        Path file = dir.resolve("flat.safetensors");
        try (TensorArena arena = new TensorArena("test")) {
            Matrix m = filled(arena.matrix(Precision.F64, 3, 7), 0.9);
            SafeTensors.writer().add("flat", m, 21).add("cube", m, 7, 1, 3).write(file);
            SafeTensors read = SafeTensors.read(file);
            assertArrayEquals(new long[] {21}, read.shape("flat"));
            assertArrayEquals(new long[] {7, 1, 3}, read.shape("cube"));
            assertArrayEquals(m.toArray(), read.doubles("flat"));
            assertArrayEquals(m.toArray(), read.doubles("cube"));
            Matrix again = arena.matrix(Precision.F64, 3, 7);
            read.copyInto("flat", again);
            assertArrayEquals(m.toArray(), again.toArray());
            Matrix vector = arena.vector(Precision.F64, 21);
            read.copyInto("flat", vector);
            assertArrayEquals(m.toArray(), vector.toArray());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> read.copyInto("cube", again));
            assertEquals(file + ": tensor 'cube' is F64 [7, 1, 3], which does not fit f64[3×7] (needs F64 [3, 7] "
                    + "or [21])", e.getMessage());
        }
    }

    @Test
    void arraysScalarsEmptyTensorsAndMetadataRoundTrip() throws IOException {
        Path file = dir.resolve("state.safetensors");
        double[] doubles = {0.0, -0.0, 1.5, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
                Double.MIN_VALUE, Double.MAX_VALUE, Math.PI};
        long[] longs = {0, -1, Long.MIN_VALUE, Long.MAX_VALUE, 0x0102030405060708L, 42};
        String note = "quotes \" and \\ and\nnewline, ünïcödé ✓";
        SafeTensors.writer()
                .add("adam.m", doubles)
                .add("grid", Arrays.copyOf(doubles, 6), 2, 3)
                .add("rng", longs)
                .add("rng.grid", longs, 3, 2)
                .add("step", new long[] {1234}, new long[0])
                .add("lr", new double[] {1e-3}, new long[0])
                .add("nothing", new double[0])
                .add("none", new long[0], 4, 0)
                .metadata("format", "layerbraid")
                .metadata("note", note)
                .metadata("empty", "")
                .metadata("format", "layerbraid-1")
                .write(file);
        SafeTensors read = SafeTensors.read(file);
        assertArrayEquals(doubles, read.doubles("adam.m"), "bitwise, including -0.0 and NaN");
        assertArrayEquals(Arrays.copyOf(doubles, 6), read.doubles("grid"));
        assertArrayEquals(new long[] {2, 3}, read.shape("grid"));
        assertArrayEquals(longs, read.longs("rng"));
        assertArrayEquals(longs, read.longs("rng.grid"));
        assertEquals(DType.I64, read.dtype("rng.grid"));
        assertArrayEquals(new long[] {1234}, read.longs("step"));
        assertArrayEquals(new long[0], read.shape("step"));
        assertArrayEquals(new double[] {1e-3}, read.doubles("lr"));
        assertArrayEquals(new double[0], read.doubles("nothing"));
        assertArrayEquals(new long[] {0}, read.shape("nothing"));
        assertArrayEquals(new long[0], read.longs("none"));
        assertArrayEquals(new long[] {4, 0}, read.shape("none"));
        assertEquals(Map.of("format", "layerbraid-1", "note", note, "empty", ""), read.metadata());
        assertEquals(List.of("empty", "format", "note"), List.copyOf(read.metadata().keySet()), "sorted");
    }

    @Test
    void valuesAreCopiedWhenAdded() throws IOException {
        Path file = dir.resolve("snapshot.safetensors");
        double[] values = {1, 2, 3};
        SafeTensors.Writer writer = SafeTensors.writer();
        double[] before;
        try (TensorArena arena = new TensorArena("test")) {
            Matrix m = filled(arena.matrix(Precision.F32, 2, 2), 0.1);
            before = m.toArray();
            writer.add("m", m).add("v", values);
            m.set(0, 0, 99);
        }
        values[0] = 99;
        writer.write(file);
        assertArrayEquals(before, SafeTensors.read(file).doubles("m"), "written after the arena closed");
        assertArrayEquals(new double[] {1, 2, 3}, SafeTensors.read(file).doubles("v"));
    }

    /** The whole file of a tiny example, byte by byte, as the format's description defines it. */
    @Test
    void bytesFollowTheSpecification() throws IOException {
        Path file = dir.resolve("tiny.safetensors");
        try (TensorArena arena = new TensorArena("test")) {
            Matrix x = arena.packed(Precision.F32, 1, 2);
            x.copyFrom(new double[] {1.0, -2.0});
            SafeTensors.writer().add("x", x, 2).add("n", new long[] {258}).metadata("a", "b").write(file);
        }
        // Names sorted, metadata first; the I64 tensor comes first in the data section (widest dtype first).
        String json = "{\"__metadata__\":{\"a\":\"b\"},"
                + "\"n\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]},"
                + "\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}";
        assertEquals(133, json.length());
        byte[] expected = concat(
                new byte[] {(byte) 136, 0, 0, 0, 0, 0, 0, 0}, // header length 133 + 3 spaces of padding = 0x88
                (json + "   ").getBytes(StandardCharsets.UTF_8),
                new byte[] {2, 1, 0, 0, 0, 0, 0, 0}, // 258 as little-endian int64
                new byte[] {0, 0, (byte) 0x80, 0x3f}, // 1.0f = 0x3f800000
                new byte[] {0, 0, 0, (byte) 0xc0}); // -2.0f = 0xc0000000
        assertArrayEquals(expected, Files.readAllBytes(file));
    }

    @Test
    void sameContentGivesTheSameBytes() throws IOException {
        Path a = dir.resolve("a.safetensors");
        Path b = dir.resolve("b.safetensors");
        try (TensorArena arena = new TensorArena("test")) {
            Matrix m = filled(arena.matrix(Precision.F32, 3, 5), 0.3);
            Matrix v = filled(arena.matrix(Precision.F64, 1, 7), 0.4);
            SafeTensors.Writer first = SafeTensors.writer().add("layer.0.w", m).add("layer.0.b", v)
                    .add("step", new long[] {7}).metadata("x", "1").metadata("y", "2");
            first.write(a);
            byte[] once = Files.readAllBytes(a);
            first.write(a);
            assertArrayEquals(once, Files.readAllBytes(a), "written twice");
            SafeTensors.writer().metadata("y", "2").add("step", new long[] {7}).add("layer.0.b", v)
                    .metadata("x", "1").add("layer.0.w", arena.copyOf(m)).write(b);
            assertArrayEquals(once, Files.readAllBytes(b), "added in another order, from another layout");
        }
    }

    @Test
    void headerAndEveryTensorAreAligned() throws IOException {
        ObjectMapper json = new ObjectMapper();
        try (TensorArena arena = new TensorArena("test")) {
            Matrix odd = filled(arena.matrix(Precision.F32, 1, 3), 0.2);
            for (int extra = 0; extra < 8; extra++) {
                Path file = dir.resolve("aligned" + extra + ".safetensors");
                SafeTensors.writer().metadata("k", "v".repeat(extra)).add("a", odd).add("b", new double[] {1, 2})
                        .add("c", odd).add("d", new long[] {3}).write(file);
                byte[] bytes = Files.readAllBytes(file);
                long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
                assertEquals(0, n % 8, "header padded to 8 bytes");
                String text = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
                assertTrue(text.matches("\\S+ *"), "no whitespace but the trailing padding: " + text);
                JsonNode header = json.readTree(text);
                for (String name : List.of("a", "b", "c", "d")) {
                    int size = DType.valueOf(header.get(name).get("dtype").asText()).bytes();
                    long begin = header.get(name).get("data_offsets").get(0).asLong();
                    assertEquals(0, (8 + n + begin) % size, name + " starts at a multiple of its element size");
                }
                assertArrayEquals(odd.toArray(), SafeTensors.read(file).doubles("c"));
            }
        }
    }

    @Test
    void misuseOfTheReaderIsReportedInOneLine() throws IOException {
        Path file = dir.resolve("misuse.safetensors");
        SafeTensors.writer().add("b", new double[] {1, 2}).add("a", new long[] {1, 2}).add("c", new double[] {3})
                .write(file);
        SafeTensors read = SafeTensors.read(file);
        assertEquals("no tensor 'x' in " + file + "; it has: a, b, c",
                assertThrows(IllegalArgumentException.class, () -> read.doubles("x")).getMessage());
        assertEquals(file + ": tensor 'a' is I64, not F32 or F64",
                assertThrows(IllegalArgumentException.class, () -> read.doubles("a")).getMessage());
        assertEquals(file + ": tensor 'b' is F64, not I64",
                assertThrows(IllegalArgumentException.class, () -> read.longs("b")).getMessage());
        try (TensorArena arena = new TensorArena("test")) {
            Matrix f32 = arena.matrix(Precision.F32, 1, 2);
            assertEquals(file + ": tensor 'b' is F64 [2], which does not fit f32[1×2] (needs F32 [1, 2] or [2])",
                    assertThrows(IllegalArgumentException.class, () -> read.copyInto("b", f32)).getMessage());
            Matrix wrongShape = arena.matrix(Precision.F64, 1, 3);
            assertThrows(IllegalArgumentException.class, () -> read.copyInto("b", wrongShape));
        }
        Matrix closed;
        try (TensorArena arena = new TensorArena("closed")) {
            closed = arena.matrix(Precision.F64, 2, 1);
        }
        assertThrows(IllegalStateException.class, () -> read.copyInto("b", closed));

        Path many = dir.resolve("many.safetensors");
        SafeTensors.Writer writer = SafeTensors.writer();
        for (int i = 0; i < 25; i++) {
            writer.add(String.format("t%02d", i), new double[] {i});
        }
        writer.write(many);
        String message = assertThrows(IllegalArgumentException.class, () -> SafeTensors.read(many).shape("x"))
                .getMessage();
        assertTrue(message.endsWith("t17, t18, t19 and 5 more"), message);
    }

    @Test
    void misuseOfTheWriterIsReportedBeforeWriting() {
        SafeTensors.Writer writer = SafeTensors.writer().add("a", new double[] {1, 2, 3, 4});
        assertEquals("tensor 'a' was already added",
                assertThrows(IllegalArgumentException.class, () -> writer.add("a", new long[] {1})).getMessage());
        assertEquals("tensor 'b': shape [3, 2] does not hold its 4 values",
                assertThrows(IllegalArgumentException.class, () -> writer.add("b", new double[4], 3, 2))
                        .getMessage());
        assertEquals("tensor 'c': shape [-2, -2] has a negative dimension",
                assertThrows(IllegalArgumentException.class, () -> writer.add("c", new double[4], -2, -2))
                        .getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> writer.add("d", new long[4], Long.MAX_VALUE, Long.MAX_VALUE, 4));
        assertThrows(IllegalArgumentException.class, () -> writer.add("__metadata__", new double[1]));
        try (TensorArena arena = new TensorArena("test")) {
            Matrix m = arena.matrix(Precision.F32, 2, 3);
            assertEquals("tensor 'm': shape [5] does not hold its 6 values",
                    assertThrows(IllegalArgumentException.class, () -> writer.add("m", m, 5)).getMessage());
        }
    }

    static byte[] concat(byte[]... parts) {
        ByteBuffer all = ByteBuffer.allocate(Arrays.stream(parts).mapToInt(p -> p.length).sum());
        Arrays.stream(parts).forEach(all::put);
        return all.array();
    }

    @Test
    void aTensorOverOneChunkIsReadWhole() throws IOException {
        // 2.4 MB: the reader fetches 1 MiB at a time, so the second and third chunks must land where they belong.
        double[] values = new double[300_000];
        Arrays.setAll(values, i -> i * 0.5 - 7);
        Path file = dir.resolve("large.safetensors");
        SafeTensors.writer().add("small", new double[] {1, 2, 3}).add("x", values).write(file);
        SafeTensors t = SafeTensors.read(file);
        assertArrayEquals(values, t.doubles("x"));
        assertArrayEquals(new double[] {1, 2, 3}, t.doubles("small"));
        assertEquals(file, t.file());
        assertEquals(file + " (2 tensors)", t.toString());
    }

    @Test
    void aMissingNameListsUpToTwentyNames() throws IOException {
        for (int count : new int[] {20, 21}) {
            SafeTensors.Writer w = SafeTensors.writer();
            for (int i = 0; i < count; i++) {
                w.add(String.format("t%02d", i), new double[] {i});
            }
            Path file = dir.resolve("names" + count + ".safetensors");
            w.write(file);
            SafeTensors t = SafeTensors.read(file);
            String message = assertThrows(IllegalArgumentException.class, () -> t.doubles("x")).getMessage();
            assertTrue(message.endsWith(count == 20 ? "t18, t19" : "t19 and 1 more"), message);
        }
    }

    @Test
    void closedMatricesAreNamedAsSuch() throws IOException {
        Path file = dir.resolve("m.safetensors");
        Matrix closed;
        try (TensorArena arena = new TensorArena("short-lived")) {
            closed = arena.matrix(Precision.F64, 2, 2);
            SafeTensors.writer().add("m", closed).write(file);
        }
        SafeTensors t = SafeTensors.read(file);
        String read = assertThrows(IllegalStateException.class, () -> t.copyInto("m", closed)).getMessage();
        assertTrue(read.contains("tensor arena 'short-lived', which is closed"), read);
        String write = assertThrows(IllegalStateException.class, () -> SafeTensors.writer().add("m", closed))
                .getMessage();
        assertTrue(write.contains("tensor arena 'short-lived', which is closed"), write);
    }
}

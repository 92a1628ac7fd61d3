package org.layerbraid.mgrit.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** IDX files written here, read back plain and gzipped, and every malformed variant rejected with its file named. */
class IdxTest {
    @TempDir
    Path dir;

    /** An IDX images file: magic, n, rows, cols (big-endian ints), then the pixels. */
    static byte[] images(int magic, int n, int rows, int cols, byte[] pixels) {
        return ByteBuffer.allocate(16 + pixels.length).putInt(magic).putInt(n).putInt(rows).putInt(cols).put(pixels)
                .array();
    }

    static byte[] labels(int magic, int n, byte[] labels) {
        return ByteBuffer.allocate(8 + labels.length).putInt(magic).putInt(n).put(labels).array();
    }

    static byte[] gzip(byte[] content) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(content);
        }
        return out.toByteArray();
    }

    /** Pixels 0, 7, 14, … (mod 256) so that every byte value range, including ≥ 128, appears. */
    static byte[] pixels(int count) {
        byte[] p = new byte[count];
        for (int k = 0; k < count; k++) {
            p[k] = (byte) (k * 7);
        }
        return p;
    }

    private Path write(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    private static void fails(String fragment, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' should contain '" + fragment
                + "'");
        assertEquals(-1, e.getMessage().indexOf('\n'), "one line");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void roundTrip(boolean compressed) throws IOException {
        byte[] px = pixels(4 * 3 * 2);
        byte[] y = {2, 0, 5, 2};
        byte[] imageFile = images(0x803, 4, 3, 2, px);
        byte[] labelFile = labels(0x801, 4, y);
        // Misleading names on purpose: compression is detected from the content.
        Path images = write(compressed ? "images.idx" : "images.gz", compressed ? gzip(imageFile) : imageFile);
        Path labels = write(compressed ? "labels.idx" : "labels.gz", compressed ? gzip(labelFile) : labelFile);
        DataSet data = Idx.read(images, labels);
        assertEquals(4, data.size());
        assertEquals(6, data.features());
        assertEquals(6, data.classes(), "classes are 0..max label");
        assertEquals(List.of("0", "1", "2", "3", "4", "5"), data.classNames());
        assertArrayEquals(new int[] {2, 0, 5, 2}, data.labels());
        for (int k = 0; k < px.length; k++) {
            assertEquals((px[k] & 0xff) / 255.0, data.examples()[k], "pixel " + k);
        }
        assertEquals(0.0, data.examples()[0]);
        assertTrue(Arrays.stream(data.examples()).allMatch(v -> v >= 0 && v <= 1));
    }

    @Test
    void limitReadsTheFirstExamples() throws IOException {
        byte[] px = pixels(5 * 4);
        Path images = write("i", gzip(images(0x803, 5, 2, 2, px)));
        Path labels = write("l", labels(0x801, 5, new byte[] {1, 0, 3, 2, 1}));
        DataSet data = Idx.read(images, labels, 2);
        assertEquals(2, data.size());
        assertArrayEquals(new int[] {1, 0}, data.labels());
        assertEquals(2, data.classes());
        assertEquals((px[7] & 0xff) / 255.0, data.examples()[7]);
        assertEquals(5, Idx.read(images, labels, 100).size());
        fails("example limit must be at least 1, got 0", () -> Idx.read(images, labels, 0));
    }

    @Test
    void wrongMagicIsShownInHex() throws IOException {
        Path goodImages = write("good-images", images(0x803, 1, 1, 1, new byte[1]));
        Path goodLabels = write("good-labels", labels(0x801, 1, new byte[1]));
        Path labelsAsImages = write("swapped-images", labels(0x801, 1, new byte[1]));
        fails("swapped-images: wrong magic number for IDX images: expected 0x00000803, found 0x00000801",
                () -> Idx.read(labelsAsImages, goodLabels));
        Path textLabels = write("text-labels", "hello, world".getBytes(StandardCharsets.US_ASCII));
        fails("text-labels: wrong magic number for IDX labels: expected 0x00000801, found 0x68656c6c",
                () -> Idx.read(goodImages, textLabels));
    }

    @Test
    void truncatedImagesGiveExpectedAndFoundSizes() throws IOException {
        byte[] full = images(0x803, 3, 2, 2, pixels(12));
        Path labels = write("labels", labels(0x801, 3, new byte[3]));
        Path plain = write("cut-images", Arrays.copyOf(full, full.length - 5));
        fails("cut-images is truncated: expected 28 bytes, found 23", () -> Idx.read(plain, labels));
        Path zipped = write("cut-images-gz", gzip(Arrays.copyOf(full, full.length - 5)));
        fails("cut-images-gz is truncated: expected 28 bytes (uncompressed), found 23", () -> Idx.read(zipped, labels));
        Path header = write("cut-header", Arrays.copyOf(full, 10));
        fails("cut-header is truncated: expected at least 16 bytes, found 10", () -> Idx.read(header, labels));
    }

    @Test
    void aCutGzipStreamIsReportedAsTruncated() throws IOException {
        byte[] zipped = gzip(images(0x803, 50, 10, 10, pixels(5000)));
        Path cut = write("cut-stream", Arrays.copyOf(zipped, zipped.length / 2));
        Path labels = write("labels", labels(0x801, 50, new byte[50]));
        fails("cut-stream is truncated: expected 5016 bytes (uncompressed), found", () -> Idx.read(cut, labels));
        Path stub = write("stub", new byte[] {0x1f, (byte) 0x8b, 8});
        fails("stub is truncated", () -> Idx.read(stub, labels));
    }

    @Test
    void truncatedLabels() throws IOException {
        Path images = write("images", images(0x803, 4, 1, 1, pixels(4)));
        Path labels = write("cut-labels", Arrays.copyOf(labels(0x801, 4, new byte[] {0, 1, 0, 1}), 10));
        fails("cut-labels is truncated: expected 12 bytes, found 10", () -> Idx.read(images, labels));
    }

    @Test
    void countMismatchNamesBothFiles() throws IOException {
        Path images = write("three-images", images(0x803, 3, 1, 1, pixels(3)));
        Path labels = write("two-labels", labels(0x801, 2, new byte[] {0, 1}));
        fails("two-labels has 2 labels but " + images + " has 3 images", () -> Idx.read(images, labels));
    }

    @Test
    void labelsMustBeBelowTheGivenClasses() throws IOException {
        Path images = write("images", images(0x803, 3, 1, 1, pixels(3)));
        Path labels = write("labels", labels(0x801, 3, new byte[] {0, 1, 2}));
        fails("labels: label 2 of example 2 is not below the 2 classes",
                () -> Idx.read("test", images, labels, List.of("a", "b"), Integer.MAX_VALUE));
    }

    @Test
    void zeroDimensionsAndMissingFilesAreRejected() throws IOException {
        Path labels = write("labels", labels(0x801, 1, new byte[1]));
        Path empty = write("no-rows", images(0x803, 1, 0, 5, new byte[0]));
        fails("no-rows: dimension 1 of the IDX images is 0", () -> Idx.read(empty, labels));
        fails("nothing-here: no such file", () -> Idx.read(dir.resolve("nothing-here"), labels));
    }
}

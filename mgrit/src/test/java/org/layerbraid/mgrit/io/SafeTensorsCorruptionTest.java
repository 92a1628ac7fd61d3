package org.layerbraid.mgrit.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Broken files, written by hand: each is rejected by {@link SafeTensors#read} with one line naming the problem. */
class SafeTensorsCorruptionTest {
    @TempDir
    Path dir;

    /** A file of raw bytes. */
    private Path raw(byte[] content) throws IOException {
        return Files.write(dir.resolve("broken.safetensors"), content);
    }

    /** A file with the given header length field, header text and number of (zero) data bytes. */
    private Path file(long length, String header, int dataBytes) throws IOException {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        return raw(ByteBuffer.allocate(8 + json.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(length).put(json).array());
    }

    /** A well-formed length field for {@code header}. */
    private Path file(String header, int dataBytes) throws IOException {
        return file(header.getBytes(StandardCharsets.UTF_8).length, header, dataBytes);
    }

    /** Reads {@code file}, expecting exactly this problem. */
    private static void assertCorrupt(Path file, String problem) {
        CorruptFileException e = assertThrows(CorruptFileException.class, () -> SafeTensors.read(file));
        assertEquals(file + ": " + problem, e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    private static String tensor(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin
                + "," + end + "]}";
    }

    @Test
    void truncatedFiles() throws IOException {
        assertCorrupt(raw(new byte[0]), "only 0 bytes, too short for the 8-byte header length of a safetensors file");
        assertCorrupt(raw(new byte[] {2, 0, 0, 0, 0}),
                "only 5 bytes, too short for the 8-byte header length of a safetensors file");
        assertCorrupt(file(100, "{}", 0), "header length 100 runs past the end of the file (10 bytes)");
    }

    @Test
    void absurdHeaderLengths() throws IOException {
        assertCorrupt(file(100_000_001, "{}", 0),
                "header length 100000001 is absurd (the limit is 100000000 bytes): not a safetensors file?");
        assertCorrupt(file(-1, "{}", 0),
                "header length 18446744073709551615 is absurd (the limit is 100000000 bytes): not a safetensors file?");
        Path text = raw("just some text file".getBytes(StandardCharsets.UTF_8));
        assertThrows(CorruptFileException.class, () -> SafeTensors.read(text));
    }

    @Test
    void headerThatIsNotAJsonObject() throws IOException {
        CorruptFileException e = assertThrows(CorruptFileException.class,
                () -> SafeTensors.read(file("{\"a\":", 0)));
        assertEquals(0, e.getMessage().indexOf(dir.resolve("broken.safetensors") + ": header is not valid JSON: "),
                e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        e = assertThrows(CorruptFileException.class, () -> SafeTensors.read(file("{} {}", 0)));
        assertEquals(0, e.getMessage().indexOf(dir.resolve("broken.safetensors") + ": header is not valid JSON: "),
                e.getMessage());
        e = assertThrows(CorruptFileException.class, () -> SafeTensors.read(
                file("{" + tensor("a", "F32", "[1]", 0, 4) + "," + tensor("a", "F32", "[1]", 0, 4) + "}", 4)));
        assertEquals(0, e.getMessage().indexOf(dir.resolve("broken.safetensors") + ": header is not valid JSON: "
                + "Duplicate field 'a'"), e.getMessage());
        assertCorrupt(file("[1,2]", 0), "header is not a JSON object");
        assertCorrupt(file("", 0), "header is not a JSON object");
        assertCorrupt(raw(new byte[] {2, 0, 0, 0, 0, 0, 0, 0, '{', (byte) 0xff}), "header is not valid UTF-8");
        assertCorrupt(file("{\"a\":[]}", 0), "tensor 'a' is [], not a JSON object");
        assertCorrupt(file("{\"__metadata__\":[]}", 0), "__metadata__ is not a JSON object");
        assertCorrupt(file("{\"__metadata__\":{\"step\":3}}", 0), "__metadata__ value of 'step' is 3, not a string");
    }

    @Test
    void incompleteOrIllTypedEntries() throws IOException {
        assertCorrupt(file("{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "tensor 'w' has no dtype");
        assertCorrupt(file("{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4), "tensor 'w' has no shape");
        assertCorrupt(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4), "tensor 'w' has no data_offsets");
        assertCorrupt(file("{" + tensor("w", "F128", "[1]", 0, 16) + "}", 16), "tensor 'w' has unknown dtype \"F128\"");
        assertCorrupt(file("{" + tensor("w", "f32", "[1]", 0, 4) + "}", 4), "tensor 'w' has unknown dtype \"f32\"");
        assertCorrupt(file("{\"w\":{\"dtype\":32,\"shape\":[1],\"data_offsets\":[0,4]}}", 4),
                "tensor 'w' has dtype 32, not a string");
        assertCorrupt(file("{" + tensor("w", "F32", "[2,-1]", 0, 0) + "}", 0),
                "tensor 'w' has a negative dimension in shape [2, -1]");
        assertCorrupt(file("{" + tensor("w", "F32", "[1.5]", 0, 4) + "}", 4),
                "tensor 'w' has shape [1.5], not an array of integers");
        assertCorrupt(file("{" + tensor("w", "F32", "3", 0, 12) + "}", 12),
                "tensor 'w' has shape 3, not an array of integers");
        assertCorrupt(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", 4),
                "tensor 'w' has data_offsets [0]: need two non-negative byte offsets [begin, end]");
        assertCorrupt(file("{" + tensor("w", "F32", "[1]", -4, 0) + "}", 0),
                "tensor 'w' has data_offsets [-4, 0]: need two non-negative byte offsets [begin, end]");
        assertCorrupt(file("{" + tensor("w", "F64", "[4294967296,4294967296]", 0, 8) + "}", 8),
                "tensor 'w' has an impossibly large shape [4294967296, 4294967296]");
    }

    @Test
    void offsetsThatDoNotTileTheDataSection() throws IOException {
        assertCorrupt(file("{" + tensor("w", "F32", "[1]", 8, 4) + "}", 8),
                "tensor 'w' has decreasing data_offsets [8, 4]");
        assertCorrupt(file("{" + tensor("w", "F32", "[3]", 0, 12) + "}", 8),
                "tensor 'w' data_offsets [0, 12] run past the end of the data section (8 bytes)");
        assertCorrupt(file("{" + tensor("w", "F32", "[3]", 0, 8) + "}", 8),
                "tensor 'w' is F32 [3], 12 bytes, but its data_offsets [0, 8] span 8");
        assertCorrupt(file("{" + tensor("a", "F32", "[2]", 0, 8) + "," + tensor("b", "F32", "[2]", 4, 12) + "}", 12),
                "tensor 'b' [4, 12) overlaps tensor 'a', which ends at 8");
        assertCorrupt(file("{" + tensor("b", "F32", "[2]", 0, 8) + "," + tensor("a", "F32", "[2]", 0, 8) + "}", 8),
                "tensor 'b' [0, 8) overlaps tensor 'a', which ends at 8");
        assertCorrupt(file("{" + tensor("a", "F32", "[1]", 0, 4) + "," + tensor("b", "F32", "[1]", 8, 12) + "}", 12),
                "after tensor 'a', 4 unused bytes before tensor 'b' [8, 12)");
        assertCorrupt(file("{" + tensor("a", "F32", "[1]", 4, 8) + "}", 8), "4 unused bytes before tensor 'a' [4, 8)");
        assertCorrupt(file("{" + tensor("a", "F32", "[1]", 0, 4) + "}", 6),
                "2 trailing bytes after the last tensor (data section of 6 bytes)");
        assertCorrupt(file("{}", 1), "1 trailing bytes after the last tensor (data section of 1 bytes)");
    }

    @Test
    void wellFormedHandWrittenFilesAreAccepted() throws IOException {
        // Out of order in the header, data not in name order, zero-size tensors, metadata last, padding: all legal.
        String header = "{" + tensor("b", "F64", "[1]", 0, 8) + "," + tensor("empty", "U8", "[0,3]", 8, 8) + ","
                + tensor("a", "F32", "[]", 8, 12) + ",\"__metadata__\":{\"k\":\"v\"}}    ";
        Path file = file(header, 12);
        SafeTensors read = SafeTensors.read(file);
        assertEquals(List.of("a", "b", "empty"), read.names());
        assertEquals(DType.U8, read.dtype("empty"));
        assertEquals(Map.of("k", "v"), read.metadata());
        assertEquals(0.0, read.doubles("a")[0]);
    }

    @Test
    void edgesOfTheHeaderChecks() throws IOException {
        assertCorrupt(file(3, "{}", 0), "header length 3 runs past the end of the file (10 bytes)");
        CorruptFileException empty = assertThrows(CorruptFileException.class, () -> SafeTensors.read(file(0, "", 0)));
        assertTrue(empty.getMessage().contains("header is not"), "a zero length is no header, not absurd: "
                + empty.getMessage());
        CorruptFileException json = assertThrows(CorruptFileException.class, () -> SafeTensors.read(file("}  ", 0)));
        assertTrue(json.getMessage().contains("header is not valid JSON: ") && json.getMessage().endsWith(
                "(at character 0)"), json.getMessage());
        assertCorrupt(file("{" + tensor("a", "F64", "[1]", 0, 8) + "," + tensor("b", "F64", "[2]", 8, 16) + "}", 16),
                "tensor 'b' is F64 [2], 16 bytes, but its data_offsets [8, 16] span 8");
    }

    @Test
    void emptyTensorsMayShareTheirOffsetWithAnother() throws IOException {
        // Sorted by begin and then end, the empty [0, 0) comes before [0, 8) whatever the names.
        SafeTensors t = SafeTensors.read(file("{" + tensor("a", "F64", "[1]", 0, 8) + "," + tensor("b", "F64", "[0]",
                0, 0) + "}", 8));
        assertEquals(List.of("a", "b"), t.names());
        assertEquals(0, t.doubles("b").length);
        SafeTensors alone = SafeTensors.read(file("{" + tensor("e", "F32", "[0, 3]", 0, 0) + "}", 0));
        assertArrayEquals(new long[] {0, 3}, alone.shape("e"));
    }
}

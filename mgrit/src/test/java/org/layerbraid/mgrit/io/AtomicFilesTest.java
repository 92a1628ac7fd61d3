package org.layerbraid.mgrit.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Replacing files all at once: the content arrives whole, and a failed write changes nothing. */
class AtomicFilesTest {
    @TempDir
    Path dir;

    private List<String> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void writesAndReplaces() throws IOException {
        Path target = dir.resolve("summary.json");
        AtomicFiles.writeString(target, "first");
        assertEquals("first", Files.readString(target));
        AtomicFiles.writeString(target, "second, ünïcödé");
        assertEquals("second, ünïcödé", Files.readString(target, StandardCharsets.UTF_8));
        assertEquals(List.of("summary.json"), files());
    }

    @Test
    void writesGoToARecognisableTemporaryFileInTheSameFolder() throws IOException {
        Path target = dir.resolve("model.safetensors");
        AtomicFiles.write(target, out -> {
            out.write(1);
            List<String> during = files();
            assertEquals(1, during.size(), during.toString());
            assertTrue(during.getFirst().matches("\\.model\\.safetensors\\.tmp-[0-9a-f]{16}"), during.toString());
        });
        assertEquals(List.of("model.safetensors"), files());
    }

    @Test
    void largeWritesAndAClosedStreamArriveWhole() throws IOException {
        Path target = dir.resolve("big.bin");
        byte[] content = new byte[3 * (1 << 20) + 5];
        new Random(1).nextBytes(content);
        AtomicFiles.write(target, out -> {
            out.write(content, 0, 7);
            out.write(content, 7, content.length - 7);
            out.close();
        });
        assertArrayEquals(content, Files.readAllBytes(target));
    }

    @Test
    void aFailingBodyLeavesTheOldTargetAndNoTemporaryFile() throws IOException {
        Path target = dir.resolve("checkpoint.safetensors");
        AtomicFiles.writeString(target, "old");
        IOException cause = new IOException("disk full");
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
            out.write(new byte[100_000]);
            throw cause;
        }));
        assertEquals("cannot write " + target + ": disk full", e.getMessage());
        assertSame(cause, e.getCause());
        assertEquals("old", Files.readString(target));
        assertEquals(List.of("checkpoint.safetensors"), files());

        UncheckedIOException unchecked = new UncheckedIOException(cause);
        assertSame(unchecked, assertThrows(UncheckedIOException.class, () -> AtomicFiles.write(target, out -> {
            out.write(1);
            throw unchecked;
        })), "other exceptions propagate unchanged");
        assertEquals("old", Files.readString(target));
        assertEquals(List.of("checkpoint.safetensors"), files());
    }

    @Test
    void aFailureOfTheFileSystemNamesTheTarget() throws IOException {
        Path target = dir.resolve("missing").resolve("out.txt");
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.writeString(target, "x"));
        assertTrue(e.getMessage().startsWith("cannot write " + target + ": NoSuchFileException: "), e.getMessage());
        assertFalse(Files.exists(target.getParent()));

        Path folder = Files.createDirectory(dir.resolve("folder"));
        Files.writeString(folder.resolve("inside"), "kept");
        e = assertThrows(IOException.class, () -> AtomicFiles.writeString(folder, "x"));
        assertTrue(e.getMessage().startsWith("cannot write " + folder + ": "), e.getMessage());
        assertEquals("kept", Files.readString(folder.resolve("inside")));
        assertEquals(List.of("folder"), files());
    }
}

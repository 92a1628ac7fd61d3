package org.layerbraid.mgrit.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One run per folder: the lock, its holder's name, stale locks and leftovers. */
class RunFolderTest {
    @TempDir
    Path dir;

    @Test
    void aFolderTheClaimCreatedGoesAgainIfNothingWasWrittenIntoIt() throws IOException {
        Path out = dir.resolve("new");
        try (RunFolder folder = new RunFolder(out).claim()) {
            assertTrue(folder.claimed());
            String holder = Files.readString(out.resolve(RunFolder.LOCK_FILE));
            assertTrue(holder.startsWith("pid " + ProcessHandle.current().pid() + " on "), holder);
        }
        assertFalse(Files.exists(out), "a refused run leaves no empty folder");
        try (RunFolder folder = new RunFolder(out).claim()) {
            Files.writeString(out.resolve("history.csv"), "iteration\n");
        }
        assertTrue(Files.exists(out.resolve("history.csv")));
        try (RunFolder folder = new RunFolder(out).claim()) {
            assertTrue(folder.claimed());
        }
        assertTrue(Files.exists(out.resolve(RunFolder.LOCK_FILE)), "a folder that was there stays as it was");
    }

    @Test
    void aHeldFolderIsRefusedNamingTheHolderAndFreeAgainOnceReleased() throws IOException {
        Path out = dir.resolve("run");
        try (RunFolder first = new RunFolder(out).claim()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> new RunFolder(out).claim());
            assertTrue(e.getMessage().contains("in use by another run (pid " + ProcessHandle.current().pid()),
                    e.getMessage());
            assertTrue(e.getMessage().contains(out.toString()), e.getMessage());
            assertTrue(first.claimed());
        }
        try (RunFolder again = new RunFolder(out).claim()) {
            assertTrue(again.claimed());
        }
    }

    @Test
    void aLockFileWhoseHolderIsGoneIsTakenOver() throws IOException {
        Path out = Files.createDirectories(dir.resolve("stale"));
        Files.writeString(out.resolve(RunFolder.LOCK_FILE), "pid 999999999 on a host that crashed\n");
        try (RunFolder folder = new RunFolder(out).claim()) {
            assertTrue(folder.claimed());
            assertTrue(Files.readString(out.resolve(RunFolder.LOCK_FILE)).startsWith("pid "
                    + ProcessHandle.current().pid() + " "));
        }
    }

    @Test
    void claimingRemovesOnlyTheLeftoversOfInterruptedWrites() throws IOException {
        Path out = Files.createDirectories(dir.resolve("left"));
        Path temp = Files.writeString(out.resolve(".checkpoint.safetensors.tmp-00ff00ff00ff00ff"), "half");
        Path history = Files.writeString(out.resolve(".history.csv.tmp-0123456789abcdef"), "half");
        List<Path> kept = List.of(Files.writeString(out.resolve("checkpoint.safetensors"), "whole"),
                Files.writeString(out.resolve(".notes.tmp-mine"), "not ours"),
                Files.writeString(out.resolve("x.tmp-0123456789abcdef"), "no leading dot"));
        assertEquals(2, RunFolder.leftovers(out).size());
        try (RunFolder folder = new RunFolder(out).claim()) {
            assertFalse(Files.exists(temp) || Files.exists(history));
            for (Path p : kept) {
                assertTrue(Files.exists(p), p.toString());
            }
        }
    }

    @Test
    void aFileIsNoFolder() throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "x");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RunFolder(file).claim());
        assertTrue(e.getMessage().contains("is a file"), e.getMessage());
    }
}

package org.layerbraid.mgrit.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a run folder tells about itself and its contents. */
class RunFolderQueriesTest {
    @TempDir
    Path dir;

    @Test
    void aFolderKnowsItsPathAndWhetherItIsClaimed() throws IOException {
        Path out = dir.resolve("a/../run");
        try (RunFolder folder = new RunFolder(out)) {
            assertEquals(dir.resolve("run").toAbsolutePath().normalize(), folder.path());
            assertFalse(folder.claimed());
            assertSame(folder, folder.claim());
            assertSame(folder, folder.claim(), "claiming again changes nothing");
            assertTrue(folder.claimed());
        }
    }

    @Test
    void theSecondClaimInOneProcessNamesThisProcessAndHost() throws IOException {
        try (RunFolder first = new RunFolder(dir.resolve("busy")).claim()) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> new RunFolder(dir.resolve("busy")).claim());
            assertTrue(e.getMessage().contains("pid " + ProcessHandle.current().pid() + " on "
                    + InetAddress.getLocalHost().getHostName()), e.getMessage());
            assertTrue(first.claimed());
        }
    }

    @Test
    void existingNamesWhatIsThereAndLeftoversOnlyInterruptedWrites() throws IOException {
        Files.writeString(dir.resolve("model.safetensors"), "x");
        Files.writeString(dir.resolve("summary.json"), "{}");
        Files.writeString(dir.resolve(".model.safetensors.tmp-0123456789abcdef"), "partial");
        Files.writeString(dir.resolve("model.safetensors.tmp-0123456789abcdef"), "not ours: no leading dot");
        assertEquals(List.of("model.safetensors", "summary.json"),
                RunFolder.existing(dir, List.of("checkpoint.safetensors", "model.safetensors", "summary.json")));
        assertEquals(List.of(), RunFolder.existing(dir, List.of("history.csv")));
        assertEquals(List.of(dir.resolve(".model.safetensors.tmp-0123456789abcdef")), RunFolder.leftovers(dir));
        assertEquals(List.of(), RunFolder.leftovers(dir.resolve("missing")));
    }
}

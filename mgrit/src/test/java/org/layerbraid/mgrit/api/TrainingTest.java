package org.layerbraid.mgrit.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingTest {
    @TempDir
    Path dir;

    @Test
    void aResumeContinuesItsRunAndNeverWritesOverAnother() throws IOException {
        try (LayerBraid lb = LayerBraid.builder().build()) {
            Path a = dir.resolve("a");
            Path b = dir.resolve("b");
            lb.training().layers(8).iterations(3).run(a);
            lb.training().layers(8).iterations(2).seed(7).run(b);
            Path checkpoint = a.resolve("checkpoint.safetensors");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> lb.training().resume(checkpoint, 5).run(b));
            assertTrue(e.getMessage().contains("already holds another run"), e.getMessage());
            Training.Result r = lb.training().resume(checkpoint, 5).run(a);
            assertEquals(2, r.rows().size(), "this invocation's rows");
            assertEquals(3, r.rows().getFirst().iteration());
            assertEquals(6, Files.readAllLines(a.resolve("history.csv")).size(), "header and all five rows");
            assertEquals(5, r.model().classes());
        }
    }
}

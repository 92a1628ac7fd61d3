package org.layerbraid.mgrit.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading the Debian package's layout, faked with tiny files, and the message when the package is missing. */
class FashionMnistTest {
    private static final String INSTALL =
            "install Debian's package dataset-fashion-mnist (apt-get install dataset-fashion-mnist)";

    @TempDir
    Path dir;

    private void writePart(String prefix, byte[] labels) throws IOException {
        int n = labels.length;
        Files.write(dir.resolve(prefix + "-images-idx3-ubyte.gz"),
                IdxTest.gzip(IdxTest.images(0x803, n, 28, 28, IdxTest.pixels(n * 784))));
        Files.write(dir.resolve(prefix + "-labels-idx1-ubyte.gz"), IdxTest.gzip(IdxTest.labels(0x801, n, labels)));
    }

    @Test
    void loadsTrainAndTestFilesWithTheTenClasses() throws IOException {
        writePart("train", new byte[] {9, 0, 3});
        writePart("t10k", new byte[] {1, 1});
        Split split = FashionMnist.load(dir);
        assertEquals(3, split.train().size());
        assertEquals(2, split.validation().size());
        assertEquals(784, split.train().features());
        assertEquals(10, split.train().classes(), "all ten classes even though few labels occur");
        assertEquals("Ankle boot", split.train().classNames().get(split.train().labels()[0]));
        assertArrayEquals(new int[] {1, 1}, split.validation().labels());
        assertEquals(1, FashionMnist.load(dir, 1).train().size());
    }

    @Test
    void labelAboveNineIsRejected() throws IOException {
        writePart("train", new byte[] {10});
        writePart("t10k", new byte[] {1});
        var e = assertThrows(IllegalArgumentException.class, () -> FashionMnist.load(dir));
        assertTrue(e.getMessage().contains("label 10 of example 0 is not below the 10 classes"), e.getMessage());
    }

    @Test
    void missingFolderSaysWhichPackageToInstall() {
        Path absent = dir.resolve("fashion-mnist");
        var e = assertThrows(IllegalArgumentException.class, () -> FashionMnist.load(absent));
        assertEquals("Fashion-MNIST folder " + absent + " has no file train-images-idx3-ubyte.gz (the folder does "
                + "not exist): " + INSTALL, e.getMessage());
    }

    @Test
    void missingFileIsNamed() throws IOException {
        writePart("train", new byte[] {1});
        Files.write(dir.resolve("t10k-images-idx3-ubyte.gz"), new byte[0]);
        var e = assertThrows(IllegalArgumentException.class, () -> FashionMnist.load(dir));
        assertEquals("Fashion-MNIST folder " + dir + " has no file t10k-labels-idx1-ubyte.gz: " + INSTALL,
                e.getMessage());
    }
}

package org.layerbraid.mgrit.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Fashion-MNIST (28×28 grey images of 10 kinds of clothing) as shipped by Debian's package
 * {@code dataset-fashion-mnist}: its 60 000 training images train, its 10 000 test images validate.
 */
public final class FashionMnist {
    /** Where the Debian package puts the files. */
    public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    /** The class names in label order, as documented by the data set's authors. */
    public static final List<String> CLASS_NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    /** Rows of an image. */
    public static final int IMAGE_HEIGHT = 28;
    /** Columns of an image. */
    public static final int IMAGE_WIDTH = 28;

    static final String TRAIN_IMAGES = "train-images-idx3-ubyte.gz";
    static final String TRAIN_LABELS = "train-labels-idx1-ubyte.gz";
    static final String TEST_IMAGES = "t10k-images-idx3-ubyte.gz";
    static final String TEST_LABELS = "t10k-labels-idx1-ubyte.gz";

    private FashionMnist() {
    }

    /** All 60 000 training and 10 000 validation images from {@code dir} (e.g. {@link #DEFAULT_DIR}). */
    public static Split load(Path dir) throws IOException {
        return load(dir, Integer.MAX_VALUE);
    }

    /** The first {@code limit} images of each part (at least 1), for quick runs. */
    public static Split load(Path dir, int limit) throws IOException {
        for (String name : List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS)) {
            if (!Files.isRegularFile(dir.resolve(name))) {
                throw new IllegalArgumentException("Fashion-MNIST folder " + dir + " has no file " + name
                        + (Files.isDirectory(dir) ? "" : " (the folder does not exist)")
                        + ": install Debian's package dataset-fashion-mnist (apt-get install dataset-fashion-mnist)");
            }
        }
        DataSet train = Idx.read("fashion-mnist train", dir.resolve(TRAIN_IMAGES), dir.resolve(TRAIN_LABELS),
                CLASS_NAMES, limit);
        DataSet validation = Idx.read("fashion-mnist validation", dir.resolve(TEST_IMAGES), dir.resolve(TEST_LABELS),
                CLASS_NAMES, limit);
        return new Split(train, validation);
    }
}

package org.layerbraid.mgrit.data;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

import org.layerbraid.vecmath.Matrix;
import org.layerbraid.vecmath.Precision;
import org.layerbraid.vecmath.TensorArena;

/**
 * A labelled classification data set on the heap: n examples of d features, stored example-major (example i's
 * features at {@code [i·d, (i+1)·d)}) because that is how files list them, and 0-based class labels. The arrays are
 * shared, not copied (MNIST is hundreds of megabytes): callers must not modify them. {@link #toMatrix} gives the
 * network's layout, features × examples.
 */
public final class DataSet {
    private final String name;
    private final int features;
    private final double[] examples;
    private final int[] labels;
    private final List<String> classNames;
    private final List<String> featureNames;

    /**
     * @param name       what the data is, for messages and reports (e.g. "peaks train")
     * @param features   d, the number of features per example
     * @param examples   n·d finite values, example-major
     * @param labels     n labels in {@code [0, classNames.size())}
     * @param classNames one distinct name per class, in class-id order
     */
    public DataSet(String name, int features, double[] examples, int[] labels, List<String> classNames) {
        this(name, features, examples, labels, classNames, List.of());
    }

    /**
     * A data set whose features have names (a CSV header, say).
     *
     * @param featureNames one distinct name per feature, in input order, or empty when the features have none
     */
    public DataSet(String name, int features, double[] examples, int[] labels, List<String> classNames,
            List<String> featureNames) {
        this.name = Objects.requireNonNull(name, "name");
        this.features = features;
        this.examples = Objects.requireNonNull(examples, "examples");
        this.labels = Objects.requireNonNull(labels, "labels");
        this.classNames = List.copyOf(classNames);
        this.featureNames = List.copyOf(featureNames);
        validate();
    }

    private void validate() {
        if (features < 1) {
            throw new IllegalArgumentException("data set '" + name + "': needs at least 1 feature, got " + features);
        }
        if (labels.length < 1) {
            throw new IllegalArgumentException("data set '" + name + "' has no examples");
        }
        if (classNames.isEmpty() || new HashSet<>(classNames).size() != classNames.size()) {
            throw new IllegalArgumentException("data set '" + name + "': class names must be non-empty and distinct, "
                    + "got " + classNames);
        }
        if (!featureNames.isEmpty() && featureNames.size() != features) {
            throw new IllegalArgumentException("data set '" + name + "': " + featureNames.size()
                    + " feature names for " + features + " features");
        }
        if (examples.length != (long) labels.length * features) {
            throw new IllegalArgumentException("data set '" + name + "': " + labels.length + " labels × " + features
                    + " features needs " + (long) labels.length * features + " values, got " + examples.length);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classNames.size()) {
                throw new IllegalArgumentException("data set '" + name + "': example " + i + " has label " + labels[i]
                        + ", outside [0, " + classNames.size() + ")");
            }
        }
        for (int k = 0; k < examples.length; k++) {
            if (!Double.isFinite(examples[k])) {
                throw new IllegalArgumentException("data set '" + name + "': example " + k / features + ", feature "
                        + k % features + " is " + examples[k]);
            }
        }
    }

    /** What the data is, as given at construction. */
    public String name() {
        return name;
    }

    /** Number of examples, n. */
    public int size() {
        return labels.length;
    }

    /** Number of features per example, d. */
    public int features() {
        return features;
    }

    /** Number of classes. */
    public int classes() {
        return classNames.size();
    }

    /** Class names in class-id order (e.g. "0".."4", or a CSV's string labels). */
    public List<String> classNames() {
        return classNames;
    }

    /** Feature names in input order, or empty when the features are unnamed. */
    public List<String> featureNames() {
        return featureNames;
    }

    /** The n·d feature values, example-major; shared, do not modify. */
    public double[] examples() {
        return examples;
    }

    /** The n labels; shared, do not modify. */
    public int[] labels() {
        return labels;
    }

    /**
     * The features as a {@code d × n} matrix (channels × batch, batch contiguous) allocated in {@code arena}; a
     * float32 matrix holds the values rounded to float.
     */
    public Matrix toMatrix(TensorArena arena, Precision precision) {
        int n = size();
        Matrix m = arena.matrix(precision, features, n);
        MemorySegment segment = m.segment();
        long rowBytes = (long) m.ld() * precision.bytes();
        // One feature at a time: gather its column into a heap row, then one bulk copy into the padded row.
        switch (precision) {
            case F64 -> {
                double[] row = new double[n];
                for (int f = 0; f < features; f++) {
                    for (int i = 0; i < n; i++) {
                        row[i] = examples[i * features + f];
                    }
                    MemorySegment.copy(row, 0, segment, ValueLayout.JAVA_DOUBLE, f * rowBytes, n);
                }
            }
            case F32 -> {
                float[] row = new float[n];
                for (int f = 0; f < features; f++) {
                    for (int i = 0; i < n; i++) {
                        row[i] = (float) examples[i * features + f];
                    }
                    MemorySegment.copy(row, 0, segment, ValueLayout.JAVA_FLOAT, f * rowBytes, n);
                }
            }
        }
        return m;
    }

    @Override
    public String toString() {
        return name + " (" + size() + " examples, " + features + " features, " + classes() + " classes)";
    }
}

package org.layerbraid.mgrit.io;

import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static java.nio.file.StandardOpenOption.READ;

import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import org.layerbraid.vecmath.Matrix;
import org.layerbraid.vecmath.Precision;

/**
 * A file in the <a href="https://huggingface.co/docs/safetensors">safetensors</a> format, read fully into memory
 * and validated: an 8-byte little-endian header length, a JSON header (name → dtype, shape, byte range; optional
 * string metadata under {@code __metadata__}) and the tensors, little-endian and row-major. The format is what
 * numpy and PyTorch users load without running code from the file, so models and optimiser state stay portable.
 * <p>
 * {@link #read} checks the whole header against the file before returning, so the accessors only fail on misuse
 * (an unknown name, a wrong dtype or shape). {@link #writer()} builds files.
 */
public final class SafeTensors {
    // The file's element layouts: little-endian, and unaligned, as the data sits in a byte array.
    private static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64_LE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(LITTLE_ENDIAN);
    /** Largest byte array the JVM allocates reliably: bounds the data section and each written tensor. */
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;
    /** Reads and writes go through the channel in pieces, so the JDK never copies more than this at once. */
    private static final int CHUNK = 1 << 20;
    /** Names listed when a lookup fails; a model may have hundreds. */
    private static final int NAMES_IN_MESSAGES = 20;

    private final Path file;
    private final Header header;
    private final List<String> names;
    private final MemorySegment data;

    private SafeTensors(Path file, Header header, MemorySegment data) {
        this.file = file;
        this.header = header;
        this.names = List.copyOf(header.tensors().keySet());
        this.data = data;
    }

    /** A new, empty writer. */
    public static Writer writer() {
        return new Writer();
    }

    /**
     * Reads and validates {@code file}. A file that breaks the format fails with a one-line
     * {@link CorruptFileException} naming the file and the problem; nothing is returned until the whole header has
     * been checked against the file's length.
     */
    public static SafeTensors read(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, READ)) {
            long size = channel.size();
            if (size < 8) {
                throw new CorruptFileException(file, "only " + size + " bytes, too short for the 8-byte header length"
                        + " of a safetensors file");
            }
            long length = ByteBuffer.wrap(readFully(file, channel, 0, 8)).order(LITTLE_ENDIAN).getLong();
            if (length < 0 || length > Header.MAX_LENGTH) {
                throw new CorruptFileException(file, "header length " + Long.toUnsignedString(length)
                        + " is absurd (the limit is " + Header.MAX_LENGTH + " bytes): not a safetensors file?");
            }
            if (length > size - 8) {
                throw new CorruptFileException(file, "header length " + length + " runs past the end of the file ("
                        + size + " bytes)");
            }
            long dataLength = size - 8 - length;
            Header header = Header.parse(file, readFully(file, channel, 8, (int) length), dataLength);
            if (dataLength > MAX_ARRAY) {
                throw new IllegalArgumentException(file + ": data section of " + dataLength
                        + " bytes is larger than one array (2 GiB), which this reader needs");
            }
            byte[] data = readFully(file, channel, 8 + length, (int) dataLength);
            return new SafeTensors(file, header, MemorySegment.ofArray(data));
        }
    }

    /** The file this was read from. */
    public Path file() {
        return file;
    }

    /** The {@code __metadata__} entries, sorted by key; empty if the file has none. */
    public Map<String, String> metadata() {
        return header.metadata();
    }

    /** The tensor names, sorted. */
    public List<String> names() {
        return names;
    }

    /** The shape of tensor {@code name} (a copy; empty for a scalar). */
    public long[] shape(String name) {
        return entry(name).shape().clone();
    }

    /** The element type of tensor {@code name}. */
    public DType dtype(String name) {
        return entry(name).dtype();
    }

    /** The elements of an {@code F64} or {@code F32} tensor in row-major order, float32 widened exactly. */
    public double[] doubles(String name) {
        Header.Entry e = entry(name);
        double[] values = new double[e.count()];
        switch (e.dtype()) {
            case F64 -> MemorySegment.copy(data, F64_LE, e.begin(), values, 0, values.length);
            case F32 -> Arrays.setAll(values, i -> data.get(F32_LE, e.begin() + (long) i * Float.BYTES));
            default -> throw wrongType(name, e, "F32 or F64");
        }
        return values;
    }

    /** The elements of an {@code I64} tensor in row-major order. */
    public long[] longs(String name) {
        Header.Entry e = entry(name);
        if (e.dtype() != DType.I64) {
            throw wrongType(name, e, "I64");
        }
        long[] values = new long[e.count()];
        MemorySegment.copy(data, I64_LE, e.begin(), values, 0, values.length);
        return values;
    }

    /**
     * Copies tensor {@code name} into {@code target}, row by row (the target may have row padding or be a view). The
     * dtype must match the target's precision ({@code F32}/{@code F64}, no conversion) and the shape must be
     * {@code [rows, cols]}, or 1-D with rows × cols elements (a flattened matrix, e.g. a bias vector).
     */
    public void copyInto(String name, Matrix target) {
        Header.Entry e = entry(name);
        DType dtype = dtypeOf(target.precision());
        long[] shape = e.shape();
        boolean fits = shape.length == 2 ? shape[0] == target.rows() && shape[1] == target.cols()
                : shape.length == 1 && shape[0] == target.size();
        if (e.dtype() != dtype || !fits) {
            throw new IllegalArgumentException(file + ": tensor '" + name + "' is " + e.dtype() + " "
                    + Arrays.toString(shape) + ", which does not fit " + target.shape() + " (needs " + dtype + " ["
                    + target.rows() + ", " + target.cols() + "] or [" + target.size() + "])");
        }
        target.checkAlive();
        boolean f64 = dtype == DType.F64;
        ValueLayout source = f64 ? F64_LE : F32_LE;
        ValueLayout destination = f64 ? ValueLayout.JAVA_DOUBLE : ValueLayout.JAVA_FLOAT;
        long rowBytes = (long) target.cols() * dtype.bytes();
        for (int r = 0; r < target.rows(); r++) {
            MemorySegment.copy(data, source, e.begin() + r * rowBytes, target.segment(), destination,
                    (long) r * target.ld() * dtype.bytes(), target.cols());
        }
    }

    @Override
    public String toString() {
        return file + " (" + names.size() + " tensors)";
    }

    private Header.Entry entry(String name) {
        Header.Entry e = header.tensors().get(name);
        if (e == null) {
            String listed = names.isEmpty() ? "none"
                    : String.join(", ", names.subList(0, Math.min(names.size(), NAMES_IN_MESSAGES)))
                    + (names.size() > NAMES_IN_MESSAGES ? " and " + (names.size() - NAMES_IN_MESSAGES) + " more" : "");
            // A corrupt file may name its tensors with line breaks: the message stays one line.
            throw new IllegalArgumentException("no tensor '" + name + "' in " + file + "; it has: "
                    + listed.replaceAll("\\p{Cntrl}", "?"));
        }
        return e;
    }

    private IllegalArgumentException wrongType(String name, Header.Entry e, String wanted) {
        return new IllegalArgumentException(file + ": tensor '" + name + "' is " + e.dtype() + ", not " + wanted);
    }

    private static DType dtypeOf(Precision precision) {
        return precision == Precision.F64 ? DType.F64 : DType.F32;
    }

    private static byte[] readFully(Path file, FileChannel channel, long position, int length) throws IOException {
        byte[] bytes = new byte[length];
        for (int done = 0; done < length; ) {
            int n = channel.read(ByteBuffer.wrap(bytes, done, Math.min(CHUNK, length - done)), position + done);
            if (n < 0) {
                throw new EOFException(file + ": file ended at byte " + (position + done) + " while reading; was it"
                        + " changed during the read?");
            }
            done += n;
        }
        return bytes;
    }

    /**
     * Collects tensors and metadata, then writes them as one safetensors file. Values are copied when added, so
     * later changes to the sources (or closing their arena) do not affect the file. The file is deterministic: the
     * same tensors and metadata give the same bytes, whatever the order they were added in. Not thread-safe.
     */
    public static final class Writer {
        private final SortedMap<String, String> metadata = new TreeMap<>();
        private final SortedMap<String, Tensor> tensors = new TreeMap<>();

        private record Tensor(DType dtype, long[] shape, byte[] bytes) {
        }

        private Writer() {
        }

        /** Sets a {@code __metadata__} entry (e.g. the format version or the training step); replaces an old value. */
        public Writer metadata(String key, String value) {
            metadata.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Adds a matrix as {@code F32}/{@code F64} of shape {@code [rows, cols]}. */
        public Writer add(String name, Matrix matrix) {
            return add(name, matrix, matrix.rows(), matrix.cols());
        }

        /**
         * Adds a matrix with the given shape, whose product must equal rows × cols: e.g. {@code [n]} for a vector.
         * Row padding is dropped: the file holds the elements packed, in row-major order.
         */
        public Writer add(String name, Matrix matrix, long... shape) {
            DType dtype = dtypeOf(matrix.precision());
            byte[] bytes = allocate(name, dtype, shape, matrix.size());
            matrix.checkAlive();
            boolean f64 = dtype == DType.F64;
            ValueLayout source = f64 ? ValueLayout.JAVA_DOUBLE : ValueLayout.JAVA_FLOAT;
            ValueLayout destination = f64 ? F64_LE : F32_LE;
            long rowBytes = (long) matrix.cols() * dtype.bytes();
            for (int r = 0; r < matrix.rows(); r++) {
                MemorySegment.copy(matrix.segment(), source, (long) r * matrix.ld() * dtype.bytes(),
                        MemorySegment.ofArray(bytes), destination, r * rowBytes, matrix.cols());
            }
            return put(name, dtype, shape, bytes);
        }

        /** Adds values as a 1-D {@code F64} tensor. */
        public Writer add(String name, double[] values) {
            return add(name, values, values.length);
        }

        /** Adds row-major values as an {@code F64} tensor of the given shape (empty for a scalar). */
        public Writer add(String name, double[] values, long... shape) {
            byte[] bytes = allocate(name, DType.F64, shape, values.length);
            MemorySegment.copy(values, 0, MemorySegment.ofArray(bytes), F64_LE, 0, values.length);
            return put(name, DType.F64, shape, bytes);
        }

        /** Adds values as a 1-D {@code I64} tensor (e.g. step counters or random generator state). */
        public Writer add(String name, long[] values) {
            return add(name, values, values.length);
        }

        /** Adds row-major values as an {@code I64} tensor of the given shape (empty for a scalar). */
        public Writer add(String name, long[] values, long... shape) {
            byte[] bytes = allocate(name, DType.I64, shape, values.length);
            MemorySegment.copy(values, 0, MemorySegment.ofArray(bytes), I64_LE, 0, values.length);
            return put(name, DType.I64, shape, bytes);
        }

        /**
         * Writes the file atomically ({@link AtomicFiles}): the header lists the tensors by name, and the data
         * section holds them widest dtype first, then by name.
         */
        public void write(Path file) throws IOException {
            List<Map.Entry<String, Tensor>> order = new ArrayList<>(tensors.entrySet());
            // Widest elements first: with the header padded to 8 bytes, every tensor then starts at a multiple of
            // its element size, so readers that map the file can use the data in place.
            order.sort(Comparator.comparingInt((Map.Entry<String, Tensor> t) -> -t.getValue().dtype().bytes())
                    .thenComparing(Map.Entry::getKey));
            SortedMap<String, Header.Entry> entries = new TreeMap<>();
            long offset = 0;
            for (Map.Entry<String, Tensor> t : order) {
                Tensor tensor = t.getValue();
                entries.put(t.getKey(), new Header.Entry(tensor.dtype(), tensor.shape(), offset,
                        offset + tensor.bytes().length));
                offset += tensor.bytes().length;
            }
            byte[] header = Header.encode(metadata, entries);
            byte[] length = ByteBuffer.allocate(8).order(LITTLE_ENDIAN).putLong(header.length).array();
            AtomicFiles.write(file, out -> {
                out.write(length);
                out.write(header);
                for (Map.Entry<String, Tensor> t : order) {
                    out.write(t.getValue().bytes());
                }
            });
        }

        /** The byte array for {@code count} elements, after checking the name and that the shape holds them. */
        private byte[] allocate(String name, DType dtype, long[] shape, long count) {
            Objects.requireNonNull(name, "name");
            if (name.equals(Header.METADATA)) {
                throw new IllegalArgumentException("'" + Header.METADATA + "' is reserved for metadata, not a tensor");
            }
            if (tensors.containsKey(name)) {
                throw new IllegalArgumentException("tensor '" + name + "' was already added");
            }
            if (Arrays.stream(shape).anyMatch(d -> d < 0)) {
                throw new IllegalArgumentException("tensor '" + name + "': shape " + Arrays.toString(shape)
                        + " has a negative dimension");
            }
            long product;
            try {
                product = Arrays.stream(shape).reduce(1, Math::multiplyExact);
            } catch (ArithmeticException e) {
                product = -1;
            }
            if (product != count) {
                throw new IllegalArgumentException("tensor '" + name + "': shape " + Arrays.toString(shape)
                        + " does not hold its " + count + " values");
            }
            if (count > MAX_ARRAY / dtype.bytes()) {
                throw new IllegalArgumentException("tensor '" + name + "' has " + count + " values, more than one "
                        + "array holds (2 GiB)");
            }
            return new byte[(int) count * dtype.bytes()];
        }

        private Writer put(String name, DType dtype, long[] shape, byte[] bytes) {
            tensors.put(name, new Tensor(dtype, shape.clone(), bytes));
            return this;
        }
    }
}

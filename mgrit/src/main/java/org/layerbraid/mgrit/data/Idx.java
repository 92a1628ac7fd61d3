package org.layerbraid.mgrit.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reader of the IDX format of MNIST and Fashion-MNIST: big-endian, an images file of n × rows × cols unsigned bytes
 * and a labels file of n unsigned bytes, each optionally gzip-compressed (detected by content, not by name). Pixels
 * become doubles in [0, 1]; an image's pixels, row by row, are one example's features.
 */
public final class Idx {
    static final int IMAGES_MAGIC = 0x00000803;
    static final int LABELS_MAGIC = 0x00000801;

    private Idx() {
    }

    /** All examples of an images file and its labels file; the classes are 0..max label, named by number. */
    public static DataSet read(Path images, Path labels) throws IOException {
        return read(images.getFileName().toString(), images, labels, null, Integer.MAX_VALUE);
    }

    /** The first {@code limit} examples (or all, if fewer), for quick runs; the rest of the files is not read. */
    public static DataSet read(Path images, Path labels, int limit) throws IOException {
        return read(images.getFileName().toString(), images, labels, null, limit);
    }

    /**
     * The first {@code limit} examples, as a data set called {@code name}. With {@code classNames} every label must
     * be below their number; without (null) the classes are 0..max label. Truncation after the first {@code limit}
     * examples goes unnoticed, as those bytes are not read.
     */
    static DataSet read(String name, Path images, Path labels, List<String> classNames, int limit) throws IOException {
        if (limit < 1) {
            throw new IllegalArgumentException("example limit must be at least 1, got " + limit);
        }
        try (Source in = Source.open(images)) {
            int[] dims = in.header(IMAGES_MAGIC, 3, "images");
            int count = dims[0];
            int n = Math.min(count, limit);
            // Two steps: the product of three ints can overflow a long.
            long size = (long) dims[1] * dims[2];
            if (size > Integer.MAX_VALUE - 8 || size * n > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException(images + ": " + n + " images of " + dims[1] + "×" + dims[2]
                        + " pixels do not fit in one array");
            }
            int pixels = dims[1] * dims[2];
            byte[] raw = in.body(n * pixels, (long) count * pixels);
            int[] y = labels(labels, count, n, images, classNames);
            double[] x = new double[raw.length];
            for (int k = 0; k < raw.length; k++) {
                x[k] = Byte.toUnsignedInt(raw[k]) / 255.0;
            }
            return new DataSet(name, pixels, x, y, classNames != null ? classNames : numbered(y));
        }
    }

    private static int[] labels(Path file, int imageCount, int n, Path images, List<String> classNames)
            throws IOException {
        try (Source in = Source.open(file)) {
            int count = in.header(LABELS_MAGIC, 1, "labels")[0];
            if (count != imageCount) {
                throw new IllegalArgumentException(file + " has " + count + " labels but " + images + " has "
                        + imageCount + " images");
            }
            byte[] raw = in.body(n, count);
            int[] y = new int[n];
            for (int i = 0; i < n; i++) {
                y[i] = Byte.toUnsignedInt(raw[i]);
                if (classNames != null && y[i] >= classNames.size()) {
                    throw new IllegalArgumentException(file + ": label " + y[i] + " of example " + i
                            + " is not below the " + classNames.size() + " classes");
                }
            }
            return y;
        }
    }

    private static List<String> numbered(int[] labels) {
        int max = 0;
        for (int label : labels) {
            max = Math.max(max, label);
        }
        List<String> names = new ArrayList<>(max + 1);
        for (int c = 0; c <= max; c++) {
            names.add(Integer.toString(c));
        }
        return names;
    }

    /** One IDX file's content, decompressed if the file starts with the gzip signature 1f 8b. */
    private static final class Source implements AutoCloseable {
        private final Path file;
        private final InputStream in;
        private final boolean gzip;
        private long position;

        private Source(Path file, InputStream in, boolean gzip) {
            this.file = file;
            this.in = in;
            this.gzip = gzip;
        }

        static Source open(Path file) throws IOException {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException(file + ": no such file");
            }
            InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
            try {
                in.mark(2);
                boolean gzip = in.read() == 0x1f && in.read() == 0x8b;
                in.reset();
                // No buffer on top of the inflater: a buffer could swallow the bytes read before a cut stream's EOF.
                return new Source(file, gzip ? new GZIPInputStream(in, 1 << 16) : in, gzip);
            } catch (EOFException e) {
                in.close();
                throw new IllegalArgumentException(file + " is truncated: its gzip header is incomplete");
            } catch (ZipException e) {
                in.close();
                throw new IllegalArgumentException(file + ": corrupt gzip header: " + e.getMessage());
            } catch (IOException | RuntimeException e) {
                in.close();
                throw e;
            }
        }

        /** Checks the magic number and returns the {@code rank} dimensions, each at least 1. */
        int[] header(int magic, int rank, String what) throws IOException {
            int headerBytes = 4 + 4 * rank;
            // The magic number first: a file of the other kind is usually shorter, and "wrong magic" is the news.
            byte[] raw = new byte[headerBytes];
            if (readFully(raw, 0, 4) < 4) {
                throw truncated("at least " + headerBytes);
            }
            int found = bigEndian(raw, 0);
            if (found != magic) {
                throw new IllegalArgumentException(String.format("%s: wrong magic number for IDX %s: expected 0x%08x, "
                        + "found 0x%08x", file, what, magic, found));
            }
            if (readFully(raw, 4, 4 * rank) < 4 * rank) {
                throw truncated("at least " + headerBytes);
            }
            int[] dims = new int[rank];
            for (int k = 0; k < rank; k++) {
                dims[k] = bigEndian(raw, 4 + 4 * k);
                if (dims[k] < 1) {
                    throw new IllegalArgumentException(file + ": dimension " + k + " of the IDX " + what + " is "
                            + Integer.toUnsignedString(dims[k]) + ", must be from 1 to " + Integer.MAX_VALUE);
                }
            }
            return dims;
        }

        /**
         * The next {@code length} bytes of a body of {@code bodyBytes}, the size the header promises. The array grows
         * as the bytes arrive, so a header that promises gigabytes in a small file costs nothing before it is found out.
         */
        byte[] body(int length, long bodyBytes) throws IOException {
            long expected = position + bodyBytes;
            byte[] raw = new byte[Math.min(length, 1 << 20)];
            int got = 0;
            while (true) {
                got += readFully(raw, got, raw.length - got);
                if (got < raw.length) {
                    throw truncated(Long.toString(expected));
                }
                if (got == length) {
                    return raw;
                }
                raw = Arrays.copyOf(raw, (int) Math.min(length, 2L * raw.length));
            }
        }

        /** Reads {@code length} bytes into {@code out} from {@code offset}, or fewer if the content ends first. */
        private int readFully(byte[] out, int offset, int length) throws IOException {
            int got = 0;
            try {
                while (got < length) {
                    int r = in.read(out, offset + got, length - got);
                    if (r < 0) {
                        break;
                    }
                    got += r;
                }
            } catch (EOFException e) {
                // A cut gzip stream ends this way rather than with −1; got counts what came before.
            } catch (ZipException e) {
                throw new IllegalArgumentException(file + ": corrupt gzip data after " + (position + got)
                        + " bytes: " + e.getMessage());
            }
            position += got;
            return got;
        }

        /** Called once the content has ended, so {@code position} is its full size. */
        private IllegalArgumentException truncated(String expected) {
            return new IllegalArgumentException(file + " is truncated: expected " + expected + " bytes"
                    + (gzip ? " (uncompressed)" : "") + ", found " + position);
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    private static int bigEndian(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }
}

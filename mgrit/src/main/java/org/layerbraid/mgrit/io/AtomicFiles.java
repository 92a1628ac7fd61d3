package org.layerbraid.mgrit.io;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HexFormat;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes files all at once or not at all: the content goes to a temporary file next to the target
 * ({@code .NAME.tmp-RANDOM}), is flushed to disk and then renamed over the target. A crash or an exception
 * mid-write leaves the previous file as it was, never a truncated one, so a checkpoint is always loadable.
 */
public final class AtomicFiles {
    /** Buffer of the stream handed to the body. */
    private static final int BUFFER = 1 << 16;
    /** Largest single write passed on to the file channel (see {@link TempStream#write(byte[], int, int)}). */
    private static final int CHUNK = 1 << 20;

    private AtomicFiles() {
    }

    /**
     * Replaces {@code target} with what {@code body} writes to the stream it is given. The body need not close the
     * stream (closing it only flushes). On failure the temporary file is deleted, the target is untouched and the
     * exception propagates: an {@link IOException} as one naming the target (the original is its cause), anything
     * else unchanged.
     */
    public static void write(Path target, IOConsumer<OutputStream> body) throws IOException {
        Objects.requireNonNull(body, "body");
        Path file = target.toAbsolutePath();
        Path folder = file.getParent();
        Path temp = folder.resolve("." + file.getFileName() + ".tmp-"
                + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()));
        try {
            // CREATE_NEW, not Files.createTempFile: the latter makes the file owner-only (0600), which the rename
            // would carry over to the target; this way the target gets the usual permissions (umask).
            try (FileChannel channel = FileChannel.open(temp, CREATE_NEW, WRITE)) {
                TempStream out = new TempStream(Channels.newOutputStream(channel));
                body.accept(out);
                out.flush();
                channel.force(true);
            }
            move(temp, file);
        } catch (IOException e) {
            deleteQuietly(temp, e);
            throw new IOException("cannot write " + target + ": " + describe(e), e);
        } catch (RuntimeException | Error e) {
            deleteQuietly(temp, e);
            throw e;
        }
        syncFolder(folder);
    }

    /** Replaces {@code target} with {@code text} in UTF-8, as {@link #write} does. */
    public static void writeString(Path target, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        write(target, out -> out.write(bytes));
    }

    private static void move(Path temp, Path file) throws IOException {
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Makes the rename itself durable; not every system can open or sync a folder, so failures are ignored. */
    private static void syncFolder(Path folder) {
        try (FileChannel channel = FileChannel.open(folder, READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // best effort: the file is in place either way
        }
    }

    private static void deleteQuietly(Path temp, Throwable failure) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    /** The exception in one line; the JDK's file exceptions often carry only a path, so the type says what failed. */
    private static String describe(IOException e) {
        String type = e.getClass() == IOException.class ? "" : e.getClass().getSimpleName();
        String message = e.getMessage() == null ? "" : e.getMessage().replaceAll("\\s+", " ").strip();
        return type.isEmpty() || message.isEmpty() ? type + message : type + ": " + message;
    }

    /** The stream handed to the body: buffered, with bounded writes, and closing it leaves the file open. */
    private static final class TempStream extends BufferedOutputStream {
        TempStream(OutputStream out) {
            super(out, BUFFER);
        }

        /**
         * The channel copies a heap array into a temporary direct buffer of the same size, which the JDK then keeps
         * per thread: one write of a 500 MB tensor would pin 500 MB of native memory. Chunks keep that at 1 MiB.
         */
        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            for (int done = 0; done < len; ) {
                int n = Math.min(CHUNK, len - done);
                super.write(b, off + done, n);
                done += n;
            }
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}

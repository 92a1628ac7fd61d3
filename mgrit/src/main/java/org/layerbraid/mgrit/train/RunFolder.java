package org.layerbraid.mgrit.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The folder a training run writes to, owned by one run at a time. Claiming it takes an exclusive lock on
 * {@value #LOCK_FILE} inside it (an operating-system file lock, which dies with its process) and writes the holder's
 * process id and host into that file so a refusal can name it. A lock file left by a process that is gone is not
 * locked any more and is simply taken over: there are no stale locks to clean by hand. Once claimed, the temporary
 * files that interrupted atomic writes left ({@code .NAME.tmp-HEX}) are removed.
 *
 * <p>A run claims its folder first, so a busy one is refused before anything is loaded or allocated. A folder the
 * claim had to create and that holds nothing but the lock file when it is closed (the run was refused while it
 * validated its settings) is removed again: a refused run leaves nothing behind.
 */
public final class RunFolder implements AutoCloseable {
    /** The lock file inside the folder. */
    public static final String LOCK_FILE = ".layerbraid.lock";
    /** What {@code AtomicFiles} names its temporary files: a dot, the target's name, {@code .tmp-} and 16 hex digits. */
    private static final Pattern LEFTOVER = Pattern.compile("\\..+\\.tmp-[0-9a-f]{16}");

    private final Path folder;
    private FileChannel channel;
    private FileLock lock;
    /** Whether the claim created the folder. */
    private boolean created;

    /** A folder not claimed yet. */
    public RunFolder(Path folder) {
        this.folder = folder.toAbsolutePath().normalize();
    }

    public Path path() {
        return folder;
    }

    /**
     * Creates the folder if needed, locks it and removes the leftovers of interrupted writes; does nothing when
     * already claimed.
     *
     * @throws IllegalStateException naming the holder when another run holds the folder
     */
    public RunFolder claim() throws IOException {
        if (lock != null) {
            return this;
        }
        if (Files.exists(folder) && !Files.isDirectory(folder)) {
            throw new IllegalArgumentException(folder + " is a file, not a folder for a run's output");
        }
        created = !Files.exists(folder);
        Files.createDirectories(folder);
        Path file = folder.resolve(LOCK_FILE);
        FileChannel c = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock l;
        try {
            l = c.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null; // this process holds it already, through another RunFolder
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
        if (l == null) {
            String holder = holder(c);
            c.close();
            throw new IllegalStateException(folder + " is in use by another run (" + holder + "): wait for it to "
                    + "finish or choose another --out");
        }
        channel = c;
        lock = l;
        String me = "pid " + ProcessHandle.current().pid() + " on " + host() + "\n";
        c.truncate(0);
        c.write(ByteBuffer.wrap(me.getBytes(StandardCharsets.UTF_8)), 0);
        removeLeftovers();
        return this;
    }

    /** Whether this object holds the folder's lock. */
    public boolean claimed() {
        return lock != null;
    }

    /** The temporary files of interrupted atomic writes in the folder (none survive a claim). */
    public static List<Path> leftovers(Path folder) throws IOException {
        List<Path> found = new ArrayList<>();
        if (!Files.isDirectory(folder)) {
            return found;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder,
                p -> LEFTOVER.matcher(p.getFileName().toString()).matches() && Files.isRegularFile(p))) {
            entries.forEach(found::add);
        }
        return found;
    }

    /** The named files that exist in {@code folder}: what of a run's output is already there. */
    public static List<String> existing(Path folder, List<String> names) {
        return names.stream().filter(n -> Files.exists(folder.resolve(n))).toList();
    }

    private boolean onlyTheLockFile() throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
            for (Path p : entries) {
                if (!p.getFileName().toString().equals(LOCK_FILE)) {
                    return false;
                }
            }
            return true;
        }
    }

    private void removeLeftovers() throws IOException {
        for (Path p : leftovers(folder)) {
            Files.deleteIfExists(p);
        }
    }

    private static String holder(FileChannel c) {
        try {
            ByteBuffer b = ByteBuffer.allocate(256);
            c.read(b, 0);
            String text = new String(b.array(), 0, b.position(), StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? "holder unknown" : text.lines().findFirst().orElse("");
        } catch (IOException e) {
            return "holder unknown: " + e.getMessage();
        }
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "an unknown host";
        }
    }

    /**
     * Releases the lock. The lock file stays (deleting it would let two runs lock different files), unless the claim
     * created the folder and nothing else was written into it: then both go.
     */
    @Override
    public void close() {
        if (lock == null) {
            return;
        }
        try (FileChannel c = channel) {
            if (created && onlyTheLockFile()) {
                Files.delete(folder.resolve(LOCK_FILE));
                Files.delete(folder);
            }
            lock.release();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot release the lock on " + folder.resolve(LOCK_FILE) + ": "
                    + e.getMessage(), e);
        } finally {
            lock = null;
            channel = null;
        }
    }
}

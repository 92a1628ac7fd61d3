package org.layerbraid.tools.report;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.internal.chartpart.Chart;

/**
 * Writes a chart as a PNG atomically: into a hidden temporary file in the target's folder, then renamed over the
 * target, so that a reader (or a crash) never sees half an image.
 */
final class PngFiles {
    private static final AtomicLong COUNTER = new AtomicLong();

    private PngFiles() {
    }

    /** Renders {@code chart} at its size into {@code png}, creating the folder if needed; returns {@code png}. */
    static Path write(Chart<?, ?> chart, Path png) throws IOException {
        Path folder = png.toAbsolutePath().getParent();
        // Not Files.createTempFile: its owner-only permissions would carry over to the report.
        Path temp = folder.resolve("." + png.getFileName() + "." + ProcessHandle.current().pid() + "."
                + COUNTER.incrementAndGet() + ".tmp");
        boolean moved = false;
        try {
            Files.createDirectories(folder);
            try (OutputStream out = Files.newOutputStream(temp, StandardOpenOption.CREATE_NEW)) {
                BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
            }
            Files.move(temp, png, StandardCopyOption.ATOMIC_MOVE);
            moved = true;
            return png;
        } catch (IOException e) {
            throw new IOException("cannot write " + png + ": " + reason(e), e);
        } finally {
            if (!moved) {
                deleteQuietly(temp);
            }
        }
    }

    private static void deleteQuietly(Path temp) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException ignored) {
            // The failure being reported matters more than a leftover hidden file (often there is none).
        }
    }

    /** The file system's complaint in a few words, without repeating the temporary file's name. */
    private static String reason(IOException e) {
        return switch (e) {
            case AccessDeniedException a -> "permission denied";
            case FileAlreadyExistsException f -> f.getFile() + " exists and is not a folder";
            case NoSuchFileException n -> "no such folder";
            case FileSystemException f when f.getReason() != null -> f.getReason();
            default -> String.valueOf(e.getMessage());
        };
    }
}

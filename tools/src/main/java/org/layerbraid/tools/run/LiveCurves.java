package org.layerbraid.tools.run;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.layerbraid.mgrit.train.HistoryRow;
import org.layerbraid.tools.report.Charts;

/**
 * Redraws a run's training curves on a background thread while it trains: the PNGs in the run folder are never
 * more than {@link #INTERVAL_NANOS} behind, and the chart code is loaded and compiled (on the core a one-thread run
 * leaves idle) by the time the final charts are drawn. One drawing at a time; rows that arrive meanwhile wait for the
 * next. Training never waits for it, and its failures are dropped: the final charts say what went wrong.
 */
final class LiveCurves implements AutoCloseable {
    private static final long INTERVAL_NANOS = 3_000_000_000L;

    private final Path folder;
    private final ExecutorService painter = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "layerbraid-charts");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        return t;
    });
    private final List<HistoryRow> rows = new ArrayList<>();
    private Future<?> drawing = CompletableFuture.completedFuture(null);
    private long lastStart;
    private boolean drawn;
    private boolean stopped;

    LiveCurves(Path folder) {
        this.folder = folder;
    }

    /** Takes the next row; starts a redraw if none is running and the last began long enough ago. */
    void add(HistoryRow row) {
        if (row.iteration() != rows.size()) {
            // A resumed run (its curves need the rows before the checkpoint) or a new stage of nested iteration:
            // from here on only the final charts are drawn, from the whole history.
            stopped = true;
        }
        if (stopped) {
            return;
        }
        rows.add(row);
        long now = System.nanoTime();
        if (drawing.isDone() && (!drawn || now - lastStart >= INTERVAL_NANOS)) {
            List<HistoryRow> snapshot = List.copyOf(rows);
            drawing = painter.submit(() -> {
                Charts.standard().trainingCurves(folder, snapshot);
                return null;
            });
            lastStart = now;
            drawn = true;
        }
    }

    /** Waits for a drawing in progress, so that the final charts are written after it. */
    @Override
    public void close() {
        try {
            drawing.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException ignored) {
            // The final charts are drawn next and report their own failure.
        } finally {
            painter.shutdownNow();
        }
    }
}

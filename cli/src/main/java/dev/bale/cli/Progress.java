package dev.bale.cli;

import dev.bale.pack.PackListener;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar on stderr (records/s, MB/s, ETA) when stderr is a terminal; silence otherwise,
 * so that logs and pipes get only the summary.
 */
final class Progress implements PackListener, AutoCloseable {
    private final String task;
    private final boolean shown;
    private ProgressBar bar;
    private long startNanos;

    Progress(String task) {
        this.task = task;
        this.shown = System.console() != null;
    }

    @Override
    public void started(int records) {
        startNanos = System.nanoTime();
        if (shown) {
            bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(records).setUnit(" rec", 1).showSpeed()
                    .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).setUpdateIntervalMillis(250).build();
        }
    }

    @Override
    public void progressed(int done, long bytes) {
        if (bar != null) {
            bar.stepTo(done);
            double seconds = (System.nanoTime() - startNanos) / 1e9;
            if (bytes > 0 && seconds > 0) {
                bar.setExtraMessage(String.format("%.1f MB/s", bytes / 1e6 / seconds));
            }
        }
    }

    @Override
    public void reclaimed(dev.bale.pack.Reclaim.Result result) {
        System.err.println(task + ": " + result);
    }

    /** For work that counts records only. */
    void step(int done) {
        progressed(done, 0);
    }

    @Override
    public void finished() {
        close();
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}

package dev.bale.loader;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeUnit;

/**
 * One epoch's batches, in order. Iterating hands out each batch and releases the one before it, so
 * a plain for-each never stalls the ring; close (or starting the next epoch) stops the workers'
 * work on it. A worker's failure is thrown here, in the consumer's thread.
 */
public final class Epoch implements Iterable<Batch>, AutoCloseable {
    private final DataLoader loader;
    private final Job job;
    private final long started = System.nanoTime();
    private int next;
    private long waitNanos;
    private long images;
    /** Text lines: real pixels columns and delivered columns (the batch's width) summed over samples. */
    private long realColumns;
    private long paddedColumns;
    private Batch previous;
    private boolean closed;
    private boolean iterated;

    Epoch(DataLoader loader, Job job) {
        this.loader = loader;
        this.job = job;
        this.next = job.firstBatch;
    }

    /** The batches, once: an epoch is a stream, not a collection. */
    @Override
    public Iterator<Batch> iterator() {
        if (iterated) {
            throw new IllegalStateException("an epoch can be iterated once; ask the loader for it again");
        }
        iterated = true;
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                boolean more = !closed && next < job.plan.batches();
                if (!more) {
                    close();
                }
                return more;
            }

            @Override
            public Batch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return take();
            }
        };
    }

    private Batch take() {
        if (previous != null) {
            if (!previous.held()) {
                previous.close();
            }
            previous = null;
        }
        int batch = next;
        Slot slot = loader.slotOf(job, batch);
        Batch holder = slot.holder;
        if (holder != null && !holder.released()) {
            // Waiting would never end: only its close frees the buffer this batch is filled into.
            throw new IllegalStateException("batch " + batch + " needs the buffer that held batch " + holder.number()
                    + " still occupies: close that batch first, or build the loader with a larger prefetch");
        }
        if (slot.ready != batch) {
            long t0 = System.nanoTime();
            loader.lock.lock();
            try {
                while (slot.ready != batch && job.failure.get() == null && !loader.closed) {
                    if (loader.liveWorkers() == 0) {
                        job.failure.compareAndSet(null, new LoaderException("every loader worker has stopped"));
                        break;
                    }
                    loader.changed.await(100, TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new LoaderException("interrupted while waiting for batch " + batch);
            } finally {
                loader.lock.unlock();
            }
            waitNanos += System.nanoTime() - t0;
        }
        Throwable failure = job.failure.get();
        if (failure != null) {
            close();
            throw failure instanceof LoaderException e ? e
                    : new LoaderException("a loader worker failed: " + failure.getMessage(), failure);
        }
        if (loader.closed) {
            throw new IllegalStateException("loader is closed");
        }
        next++;
        int size = job.plan.size(batch);
        images += size;
        Batch taken = new Batch(loader, slot, job.epoch, batch, size);
        slot.holder = taken;
        previous = taken;
        if (loader.padPolicy() != null) {
            int width = taken.paddedWidth();
            for (int i = 0; i < size; i++) {
                realColumns += taken.width(i);
            }
            paddedColumns += (long) width * size;
        }
        return taken;
    }

    /** Samples of the epoch's plan handed out so far, counting those before the first batch. */
    long consumed() {
        return Math.min(job.plan.length(), (long) next * job.plan.batchSize());
    }

    /** Whether every batch has been handed out. */
    boolean complete() {
        return next >= job.plan.batches();
    }

    int number() {
        return job.epoch;
    }

    /** Ends the epoch: releases the last batch and any held ones, stops the workers' part, records the stats. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        previous = null;
        loader.finish(job);
        loader.releaseHeld();
        double seconds = (System.nanoTime() - started) / 1e9;
        loader.recordStats(new LoaderStats(images, next - job.firstBatch, seconds, job.readNanos.sum() / 1e9,
                job.decodeNanos.sum() / 1e9, job.transformNanos.sum() / 1e9, job.waitNanos.sum() / 1e9, waitNanos / 1e9,
                job.skipped.sum(), paddedColumns == 0 ? 0 : 1 - (double) realColumns / paddedColumns,
                fraction(job.decodedPixels.sum(), job.wholePixels.sum())));
    }

    private static double fraction(long part, long whole) {
        return whole == 0 ? 1 : (double) part / whole;
    }
}

package dev.bale.loader;

import dev.bale.container.CorruptContainerException;
import dev.bale.container.RecordReader;
import dev.bale.nativ.NativeDecodeException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * A loader thread. It owns one container reader and one native decoder for its whole life, and
 * for each epoch takes sample positions from the shared cursor until none are left.
 */
final class Worker implements Runnable {
    private final DataLoader loader;
    private final int[] classIds;

    /** Time this worker spent on the current job, added to the job's totals when it leaves it. */
    private long readNanos;
    private long decodeNanos;
    private long transformNanos;
    private long decodedPixels;
    private long wholePixels;

    Worker(DataLoader loader) {
        this.loader = loader;
        this.classIds = loader.container().classIds();
    }

    @Override
    public void run() {
        RecordReader reader = null;
        SampleDecoder decoder = null;
        Throwable broken = null;
        try {
            reader = loader.container().newReader();
            decoder = new SampleDecoder(loader.transform(), loader.seed(), loader.channels(), loader.width(),
                    loader.height(), loader.jpegRegionDecode());
            decoder.hook(loader.sampleHook());
        } catch (Throwable t) {
            // Fail every job instead of dying, so that nobody waits for this worker forever.
            broken = t;
        }
        try {
            Job done = null;
            for (Job job = awaitJob(done); job != null; job = awaitJob(done)) {
                try {
                    if (broken != null) {
                        throw broken;
                    }
                    work(job, reader, decoder);
                } catch (Throwable t) {
                    job.failure.compareAndSet(null, t);
                } finally {
                    done = job;
                    job.workersDone.incrementAndGet();
                    signal();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (reader != null) {
                reader.close();
            }
            if (decoder != null) {
                decoder.close();
            }
        }
    }

    private Job awaitJob(Job done) throws InterruptedException {
        loader.lock.lock();
        try {
            while (!loader.closed && (loader.job == null || loader.job == done)) {
                loader.changed.await(100, TimeUnit.MILLISECONDS);
            }
            return loader.closed ? null : loader.job;
        } finally {
            loader.lock.unlock();
        }
    }

    private void work(Job job, RecordReader reader, SampleDecoder decoder) throws InterruptedException {
        readNanos = 0;
        decodeNanos = 0;
        transformNanos = 0;
        decodedPixels = 0;
        wholePixels = 0;
        long waitNanos = 0;
        int batchSize = job.plan.batchSize();
        try {
            while (!job.stopped()) {
                long position = job.cursor.getAndIncrement();
                if (position >= job.end) {
                    return;
                }
                int batch = (int) (position / batchSize);
                int slotIndex = (int) (position % batchSize);
                Slot slot = loader.slotOf(job, batch);
                if (slot.assigned != batch) {
                    long t0 = System.nanoTime();
                    if (!awaitSlot(job, slot, batch)) {
                        return;
                    }
                    waitNanos += System.nanoTime() - t0;
                }
                int index = job.plan.index(batch, slotIndex);
                long offset = slotIndex * loader.sampleBytes();
                int used = fill(job, reader, decoder, position, index, slot.imageBuffer(), offset);
                if (used < 0) {
                    return; // failed; the job carries the failure
                }
                slot.labelBuffer().putLong(slotIndex * Long.BYTES, classIds[used]);
                slot.widthBuffer().putLong(slotIndex * Long.BYTES, decoder.lastWidth());
                slot.indices[slotIndex] = used;
                if (slot.filled.incrementAndGet() == job.plan.size(batch)) {
                    slot.ready = batch;
                    signal();
                }
            }
        } finally {
            job.readNanos.add(readNanos);
            job.decodeNanos.add(decodeNanos);
            job.transformNanos.add(transformNanos);
            job.decodedPixels.add(decodedPixels);
            job.wholePixels.add(wholePixels);
            job.waitNanos.add(waitNanos);
        }
    }

    /**
     * Decodes the sample at {@code position} into the slot; under {@link BadSamplePolicy#SKIP} a bad
     * one is replaced by the next good sample in sampler order. Returns the record index used, or
     * -1 after recording a failure.
     */
    private int fill(Job job, RecordReader reader, SampleDecoder decoder, long position, int index, ByteBuffer target,
                     long offset) {
        int candidate = index;
        for (long attempt = 0; attempt < job.plan.length(); attempt++) {
            if (attempt > 0) {
                candidate = job.plan.indexAt(position + attempt);
            }
            try {
                long t0 = System.nanoTime();
                ByteBuffer encoded = reader.read(candidate);
                readNanos += System.nanoTime() - t0;
                decoder.decode(encoded, reader.rawPixels(), job.epoch, candidate, target, offset);
                long[] stages = decoder.lastStageNanos();
                decodeNanos += stages[0];
                transformNanos += stages[1];
                long[] pixels = decoder.lastDecodedPixels();
                decodedPixels += pixels[0];
                wholePixels += pixels[1];
                return candidate;
            } catch (CorruptContainerException | NativeDecodeException | SampleDecoder.BadImageException e) {
                if (!BadData.isBadData(e)) {
                    // A fault, not a bad record: skipping would hide it.
                    job.failure.compareAndSet(null, new LoaderException("record " + candidate + " (" + key(reader, candidate)
                            + "): decoding failed for a reason other than bad data: " + e.getMessage(), e));
                    return -1;
                }
                if (loader.onBadSample() == BadSamplePolicy.FAIL) {
                    job.failure.compareAndSet(null, new LoaderException("record " + candidate + " (" + key(reader, candidate)
                            + "): " + e.getMessage(), e));
                    return -1;
                }
                job.skipped.increment();
            }
        }
        job.failure.compareAndSet(null, new LoaderException("no record of epoch " + job.epoch + " could be decoded"));
        return -1;
    }

    private static String key(RecordReader reader, int index) {
        try {
            return reader.key(index);
        } catch (RuntimeException e) {
            return "?";
        }
    }

    private boolean awaitSlot(Job job, Slot slot, int batch) throws InterruptedException {
        loader.lock.lock();
        try {
            while (slot.assigned != batch && !job.stopped() && !loader.closed) {
                loader.changed.await(100, TimeUnit.MILLISECONDS);
            }
            return slot.assigned == batch && !job.stopped();
        } finally {
            loader.lock.unlock();
        }
    }

    private void signal() {
        loader.lock.lock();
        try {
            loader.changed.signalAll();
        } finally {
            loader.lock.unlock();
        }
    }
}

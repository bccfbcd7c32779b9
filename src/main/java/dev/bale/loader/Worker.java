package dev.bale.loader;

import dev.bale.container.CorruptContainerException;
import dev.bale.container.RecordReader;
import dev.bale.image.ImageHeader;
import dev.bale.nativ.BaleNative;
import dev.bale.nativ.NativeDecodeException;
import dev.bale.nativ.NativeDecoder;
import dev.bale.transform.Planner;
import dev.bale.transform.SamplePlan;
import dev.bale.transform.Transform;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * A loader thread. It owns one container reader and one native decoder for its whole life, and
 * for each epoch takes sample positions from the shared cursor until none are left.
 */
final class Worker implements Runnable {
    private final DataLoader loader;
    private final SamplePlan plan = new SamplePlan();
    private final Planner planner;
    private final int[] classIds;
    private final boolean grayscale;

    /** Time this worker spent on the current job, added to the job's totals when it leaves it. */
    private long readNanos;
    private long decodeNanos;
    private long transformNanos;
    private final long[] stages = new long[2];

    Worker(DataLoader loader) {
        this.loader = loader;
        this.planner = new Planner(loader.transform(), loader.seed());
        this.classIds = loader.container().classIds();
        this.grayscale = loader.channels() == 1;
    }

    @Override
    public void run() {
        RecordReader reader = null;
        NativeDecoder decoder = null;
        Throwable broken = null;
        try {
            reader = loader.container().newReader();
            decoder = new NativeDecoder();
            configure(decoder.params());
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

    /** The parameters that stay the same for every sample. */
    private void configure(BaleNative.TransformParams params) {
        Transform t = loader.transform();
        params.grayscale(grayscale ? 1 : 0).output(switch (t.output()) {
            case FLOAT_CHW -> BaleNative.OUTPUT_FLOAT32_CHW;
            case UINT8_CHW -> BaleNative.OUTPUT_UINT8_CHW;
            case UINT8_HWC -> BaleNative.OUTPUT_UINT8_HWC;
        });
        float[] mean = t.mean();
        float[] std = t.std();
        for (int c = 0; c < 3; c++) {
            params.mean(c, mean[c]).std(c, std[c]);
        }
        if (t.mode() == Transform.Mode.NONE) {
            params.expect_w(loader.width()).expect_h(loader.height()).crop_x(0).crop_y(0).crop_w(0).crop_h(0)
                    .out_w(loader.width()).out_h(loader.height());
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

    private void work(Job job, RecordReader reader, NativeDecoder decoder) throws InterruptedException {
        readNanos = 0;
        decodeNanos = 0;
        transformNanos = 0;
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
            job.waitNanos.add(waitNanos);
        }
    }

    /**
     * Decodes the sample at {@code position} into the slot; under {@link BadSamplePolicy#SKIP} a bad
     * one is replaced by the next good sample in sampler order. Returns the record index used, or
     * -1 after recording a failure.
     */
    private int fill(Job job, RecordReader reader, NativeDecoder decoder, long position, int index, ByteBuffer target,
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
                decode(job, decoder, encoded, candidate, target, offset);
                decoder.lastStageNanos(stages);
                decodeNanos += stages[0];
                transformNanos += stages[1];
                return candidate;
            } catch (CorruptContainerException | NativeDecodeException | BadImageException e) {
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

    private void decode(Job job, NativeDecoder decoder, ByteBuffer encoded, int index, ByteBuffer target, long offset) {
        BaleNative.TransformParams params = decoder.params();
        if (loader.transform().mode() != Transform.Mode.NONE) {
            ImageHeader header = ImageHeader.probe(encoded).orElseThrow(
                    () -> new BadImageException("not a JPEG or PNG whose header can be read"));
            boolean jpeg = encoded.remaining() > 1 && (encoded.get(encoded.position()) & 0xFF) == 0xFF;
            planner.plan(header.width(), header.height(), jpeg, job.epoch, index, plan);
            params.reduce(plan.reduce).crop_x(plan.cropX).crop_y(plan.cropY).crop_w(plan.cropWidth)
                    .crop_h(plan.cropHeight).out_w(plan.outWidth).out_h(plan.outHeight).flip(plan.flip ? 1 : 0)
                    .brightness(plan.brightness).contrast(plan.contrast).saturation(plan.saturation);
        }
        decoder.decode(encoded, target, offset);
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

    /** An image the planner cannot handle (its header cannot be read). */
    static final class BadImageException extends RuntimeException {
        BadImageException(String message) {
            super(message);
        }
    }
}

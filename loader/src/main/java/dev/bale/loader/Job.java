package dev.bale.loader;

import dev.bale.sample.EpochPlan;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * One epoch's work as the workers see it: sample positions [first, end) of the plan, handed out
 * one at a time from a shared cursor. Position p fills slot p % batchSize of batch p / batchSize,
 * so whatever thread takes it, it lands in the same place.
 */
final class Job {
    final int epoch;
    final EpochPlan plan;
    final int firstBatch;
    final long end;
    final AtomicLong cursor;
    final AtomicReference<Throwable> failure = new AtomicReference<>();
    final AtomicInteger workersDone = new AtomicInteger();
    volatile boolean aborted;
    final LongAdder readNanos = new LongAdder();
    final LongAdder decodeNanos = new LongAdder();
    final LongAdder transformNanos = new LongAdder();
    final LongAdder decodedPixels = new LongAdder();
    final LongAdder wholePixels = new LongAdder();
    final LongAdder waitNanos = new LongAdder();
    final LongAdder skipped = new LongAdder();

    Job(int epoch, EpochPlan plan, int firstBatch) {
        this.epoch = epoch;
        this.plan = plan;
        this.firstBatch = firstBatch;
        long batchSize = plan.batchSize();
        this.end = plan.batches() == 0 ? 0 : (plan.batches() - 1) * batchSize + plan.size(plan.batches() - 1);
        this.cursor = new AtomicLong(firstBatch * batchSize);
    }

    boolean stopped() {
        return aborted || failure.get() != null;
    }
}

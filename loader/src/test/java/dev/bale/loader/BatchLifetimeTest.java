package dev.bale.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bale.container.Container;
import dev.bale.container.Layout;
import dev.bale.transform.Transform;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The batch lifetime cannot be got wrong silently: a kept tensor never shows a later batch, a
 * released batch and its freed tensor handles throw, holding batches works and never deadlocks.
 */
class BatchLifetimeTest {
    @TempDir
    static Path dir;
    static LoaderFixture tiny;

    @BeforeAll
    static void generate() throws IOException {
        tiny = LoaderFixture.tiny(dir, 40);
    }

    private static DataLoader loader(Container container, int prefetch) {
        return DataLoader.builder(container).batchSize(4).workers(2).prefetch(prefetch).transform(Transform.none()).build();
    }

    /** The sum of each sample of a batch, from its buffer: what the batch's tensors must keep showing. */
    private static double[] sums(Batch batch) {
        double[] sums = new double[batch.size()];
        java.nio.FloatBuffer f = batch.imageBuffer().asFloatBuffer();
        int per = f.limit() / batch.size();
        for (int i = 0; i < f.limit(); i++) {
            sums[i / per] += f.get(i);
        }
        return sums;
    }

    private static double[] sums(Tensor images) {
        double[] sums = new double[(int) images.size(0)];
        for (int i = 0; i < sums.length; i++) {
            sums[i] = images.get(i).sum().item_double();
        }
        return sums;
    }

    private static void assertClose(double[] expected, double[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-3 * Math.max(1, Math.abs(expected[i])), "sample " + i);
        }
    }

    @Test
    void aReleasedBatchThrowsAndNamesItself() throws IOException {
        try (Container container = tiny.pack(Layout.BIN, dir); DataLoader loader = loader(container, 3)) {
            Batch first = null;
            for (Batch batch : loader.epoch(0)) {
                if (first == null) {
                    first = batch;
                }
            }
            Batch released = first;
            for (Runnable use : List.<Runnable>of(released::images, released::labels, released::indices,
                    () -> released.label(0), released::imageBuffer, released::hold)) {
                IllegalStateException e = assertThrows(IllegalStateException.class, use::run);
                assertTrue(e.getMessage().contains("batch 0 of epoch 0 was released"), e.getMessage());
            }
        }
    }

    @Test
    void aTensorHandleNothingKeptIsFreedAtReleaseAndThrowsOnUse() throws IOException {
        try (Container container = tiny.pack(Layout.BIN, dir); DataLoader loader = loader(container, 3)) {
            Iterator<Batch> batches = loader.epoch(0).iterator();
            Tensor kept = batches.next().images();
            batches.next();
            assertTrue(kept.isNull(), "the released batch's tensor handle is freed");
            assertThrows(NullPointerException.class, kept::sum);
            assertEquals(0, loader.copiesOnRelease());
        }
    }

    @Test
    void tensorsKeptPastTheirBatchKeepThatBatchNeverALaterOne() throws IOException {
        try (Container container = tiny.pack(Layout.BIN, dir); DataLoader loader = loader(container, 2)) {
            List<double[]> expected = new ArrayList<>();
            List<Tensor> views = new ArrayList<>();
            List<Tensor> handles = new ArrayList<>();
            try (PointerScope scope = new PointerScope()) { // kept open across batches: the handles stay alive
                for (Batch batch : loader.epoch(0)) {
                    expected.add(sums(batch));
                    handles.add(batch.images());
                    views.add(batch.images().view(batch.size(), -1)); // an alias the batch knows nothing about
                }
                // 10 batches went through a ring of 2 buffers: each buffer was refilled four times.
                for (int b = 0; b < expected.size(); b++) {
                    assertClose(expected.get(b), sums(handles.get(b)));
                    assertClose(expected.get(b), sums(views.get(b).view(-1, 1, 28, 28)));
                }
            }
            assertEquals(10, loader.copiesOnRelease(), "one copy per image tensor still in use at release");
        }
    }

    @Test
    void aStepScopeThatFreesEverythingCostsNoCopy() throws IOException {
        try (Container container = tiny.pack(Layout.BIN, dir); DataLoader loader = loader(container, 3)) {
            for (Batch batch : loader.epoch(0)) {
                try (PointerScope step = new PointerScope()) {
                    Tensor x = batch.images().view(batch.size(), -1).mul(new org.bytedeco.pytorch.Scalar(2.0));
                    x.sum().item_double();
                    batch.labels().sum();
                }
            }
            assertEquals(0, loader.copiesOnRelease());
        }
    }

    @Test
    void heldBatchesStayValidForGradientAccumulation() throws IOException {
        try (Container container = tiny.pack(Layout.BIN, dir); DataLoader loader = loader(container, 3)) {
            List<Batch> held = new ArrayList<>();
            List<double[]> expected = new ArrayList<>();
            int steps = 0;
            for (Batch batch : loader.epoch(0)) {
                held.add(batch.hold());
                expected.add(sums(batch));
                if (held.size() == 2) { // accumulate over two batches, then step
                    try (PointerScope step = new PointerScope()) {
                        for (int k = 0; k < 2; k++) {
                            assertClose(expected.get(k), sums(held.get(k).images()));
                        }
                    }
                    held.forEach(Batch::close);
                    held.clear();
                    expected.clear();
                    steps++;
                }
            }
            assertEquals(5, steps);
            assertEquals(0, loader.copiesOnRelease(), "held batches are read in place");
        }
    }

    @Test
    void holdingEveryBufferThrowsInsteadOfWaitingForever() throws IOException {
        try (Container container = tiny.pack(Layout.BIN, dir); DataLoader loader = loader(container, 2)) {
            Iterator<Batch> batches = loader.epoch(0).iterator();
            batches.next().hold();
            batches.next().hold();
            IllegalStateException e = assertThrows(IllegalStateException.class, batches::next);
            assertTrue(e.getMessage().contains("held batch 0"), e.getMessage());
        }
    }

    @Test
    void theEpochsEndReleasesHeldBatches() throws IOException {
        try (Container container = tiny.pack(Layout.BIN, dir); DataLoader loader = loader(container, 3)) {
            Batch held = null;
            for (Batch batch : loader.epoch(0)) {
                if (batch.number() == 8) {
                    held = batch.hold();
                }
            }
            assertTrue(held.released());
            int count = 0;
            for (Batch batch : loader.epoch(1)) {
                count++;
            }
            assertEquals(10, count, "the next epoch has every buffer");
        }
    }
}

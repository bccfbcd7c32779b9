package dev.bale.loader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bale.container.Container;
import dev.bale.container.Layout;
import dev.bale.sample.Sampler;
import dev.bale.transform.Transform;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32C;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DataLoaderTest {
    private static final int IMAGES = 21;

    @TempDir
    static Path dir;
    static LoaderFixture photos;

    @BeforeAll
    static void generate() throws IOException {
        photos = LoaderFixture.photos(dir, IMAGES);
    }

    static Transform eval() {
        return Transform.eval(64, 56);
    }

    static Transform train() {
        return Transform.train(48).withColorJitter(0.4f, 0.4f, 0.4f);
    }

    static List<Arguments> layoutsWorkersTransforms() {
        List<Arguments> cases = new ArrayList<>();
        for (Layout layout : Layout.values()) {
            for (int workers : new int[] {1, 2, 8}) {
                cases.add(Arguments.of(layout, workers, "eval"));
                cases.add(Arguments.of(layout, workers, "train"));
            }
        }
        return cases;
    }

    /** A batch's bytes for each sample, as the consumer sees them before the next batch. */
    private static byte[] sample(Batch batch, int i, long sampleBytes) {
        ByteBuffer all = batch.imageBuffer();
        byte[] bytes = new byte[(int) sampleBytes];
        all.get((int) (i * sampleBytes), bytes);
        return bytes;
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    @ParameterizedTest(name = "{0}, {1} workers, {2}")
    @MethodSource("layoutsWorkersTransforms")
    void pixelExactAgainstASingleThreadedOpenCvReference(Layout layout, int workers, String mode) throws IOException {
        Transform transform = mode.equals("eval") ? eval() : train();
        long seed = 5;
        int epoch = 2;
        try (Container container = photos.pack(layout, dir);
             DataLoader loader = DataLoader.builder(container).batchSize(4).workers(workers).transform(transform)
                     .shuffle(true).seed(seed).build()) {
            Set<Integer> seen = new HashSet<>();
            int batches = 0;
            for (Batch batch : loader.epoch(epoch)) {
                batches++;
                for (int i = 0; i < batch.size(); i++) {
                    int index = batch.index(i);
                    seen.add(index);
                    assertEquals(container.classIds()[index], batch.label(i));
                    byte[] expected = bytes(photos.reference(index, transform, seed, epoch, 3));
                    assertArrayEquals(expected, sample(batch, i, loader.sampleBytes()),
                            layout + " batch " + batch.number() + " slot " + i + " record " + index);
                }
            }
            assertEquals(6, batches, "21 samples in batches of 4, the last one short");
            assertEquals(IMAGES, seen.size(), "every record once");
        }
    }

    private static List<Long> batchChecksums(DataLoader loader, int epoch, int firstBatch) {
        List<Long> sums = new ArrayList<>();
        for (Batch batch : loader.epoch(epoch, firstBatch)) {
            CRC32C crc = new CRC32C();
            crc.update(batch.imageBuffer());
            crc.update(ByteBuffer.wrap(java.util.Arrays.toString(batch.indices()).getBytes()));
            sums.add(crc.getValue());
        }
        return sums;
    }

    @Test
    void sameSeedSameBatchesWhateverTheWorkerCount() throws IOException {
        try (Container container = photos.pack(Layout.BIN, dir);
             DataLoader one = DataLoader.builder(container).batchSize(5).workers(1).transform(train()).shuffle(true)
                     .seed(9).build();
             DataLoader eight = DataLoader.builder(container).batchSize(5).workers(8).transform(train()).shuffle(true)
                     .seed(9).prefetch(2).build()) {
            for (int epoch = 0; epoch < 2; epoch++) {
                assertEquals(batchChecksums(one, epoch, 0), batchChecksums(eight, epoch, 0), "epoch " + epoch);
            }
            assertNotEquals(batchChecksums(one, 0, 0), batchChecksums(one, 1, 0), "epochs differ");
        }
    }

    @Test
    void resumingAtBatchBGivesWhatAnUninterruptedEpochGaveFromB() throws IOException {
        try (Container container = photos.pack(Layout.TFRECORD, dir);
             DataLoader loader = DataLoader.builder(container).batchSize(4).workers(2).transform(train())
                     .shuffle(true).seed(3).build()) {
            List<Long> whole = batchChecksums(loader, 4, 0);
            assertEquals(whole.subList(2, whole.size()), batchChecksums(loader, 4, 2));
            assertEquals(List.of(), batchChecksums(loader, 4, whole.size()));
            assertThrows(IllegalArgumentException.class, () -> loader.epoch(4, whole.size() + 1));
        }
    }

    @Test
    void distributedRanksSeeDisjointRecords() throws IOException {
        Set<Integer> all = new HashSet<>();
        int total = 0;
        try (Container container = photos.pack(Layout.BIN, dir)) {
            for (int rank = 0; rank < 3; rank++) {
                try (DataLoader loader = DataLoader.builder(container).batchSize(2).workers(2).transform(eval())
                        .sampler(Sampler.distributed(container.size(), rank, 3, true, 1, true)).build()) {
                    for (Batch batch : loader.epoch(0)) {
                        for (int index : batch.indices()) {
                            assertTrue(all.add(index), "record " + index + " on two ranks");
                            total++;
                        }
                    }
                }
            }
        }
        assertEquals(IMAGES / 3 * 3, total);
    }

    @Test
    void dropLastAndTensors() throws IOException {
        try (Container container = photos.pack(Layout.LMDB, dir);
             DataLoader keep = DataLoader.builder(container).batchSize(8).workers(2).transform(eval()).build();
             DataLoader drop = DataLoader.builder(container).batchSize(8).workers(2).transform(eval()).dropLast(true).build()) {
            assertEquals(3, keep.batches(0));
            assertEquals(2, drop.batches(0));
            for (Batch batch : keep.epoch(0)) {
                Tensor images = batch.images();
                Tensor labels = batch.labels();
                assertArrayEquals(new long[] {batch.size(), 3, 56, 56}, images.shape());
                assertArrayEquals(new long[] {batch.size()}, labels.shape());
                for (int i = 0; i < batch.size(); i++) {
                    assertEquals(batch.label(i), labels.get(i).item_long());
                }
                // No copy: the tensor's first element is the buffer's first float.
                assertEquals(batch.imageBuffer().getFloat(0), images.flatten(0, -1).get(0).item_float());
                assertEquals(batch.number() == 2 ? 5 : 8, batch.size());
            }
        }
    }

    @Test
    void uint8HwcOutput() throws IOException {
        Transform hwc = eval().withOutput(Transform.Output.UINT8_HWC);
        try (Container container = photos.pack(Layout.SQLITE, dir);
             DataLoader loader = DataLoader.builder(container).batchSize(8).workers(2).transform(hwc).build()) {
            assertEquals(56 * 56 * 3, loader.sampleBytes());
            for (Batch batch : loader.epoch(0)) {
                assertArrayEquals(new long[] {batch.size(), 56, 56, 3}, batch.images().shape());
                assertArrayEquals(bytes(photos.reference(batch.index(0), hwc, 0, 0, 3)), sample(batch, 0, loader.sampleBytes()));
            }
        }
    }

    @Test
    void grayscalePngsWithoutResizeDecodeToOneChannel() throws IOException {
        LoaderFixture tiny = LoaderFixture.tiny(dir, 30);
        try (Container container = tiny.pack(Layout.BIN, dir);
             DataLoader loader = DataLoader.builder(container).batchSize(16).workers(2).transform(Transform.none()).build()) {
            assertEquals(1, loader.channels());
            assertEquals(28 * 28 * 4, loader.sampleBytes());
            for (Batch batch : loader.epoch(0)) {
                for (int i = 0; i < batch.size(); i++) {
                    assertArrayEquals(bytes(tiny.reference(batch.index(i), Transform.none(), 0, 0, 1)),
                            sample(batch, i, loader.sampleBytes()));
                }
            }
        }
    }

    @Test
    void closingTheLoaderMidEpochStopsItsWorkers() throws IOException, InterruptedException {
        try (Container container = photos.pack(Layout.BIN, dir)) {
            DataLoader loader = DataLoader.builder(container).batchSize(2).workers(3).transform(eval()).build();
            var batches = loader.epoch(0).iterator();
            batches.next();
            batches.next();
            loader.close();
            assertFalse(Thread.getAllStackTraces().keySet().stream()
                    .anyMatch(t -> t.getName().startsWith("bale-loader-") && t.isAlive()), "workers stopped");
            assertThrows(IllegalStateException.class, () -> loader.epoch(1));
        }
    }

    @Test
    void anInterruptedConsumerStillStopsEveryWorkerBeforeFreeing() throws IOException {
        try (Container container = photos.pack(Layout.BIN, dir)) {
            DataLoader loader = DataLoader.builder(container).batchSize(2).workers(3).transform(eval()).build();
            loader.epoch(0).iterator().next();
            Thread.currentThread().interrupt();
            try {
                loader.close();
                assertTrue(Thread.interrupted(), "the interrupt is kept for the caller");
            } finally {
                Thread.interrupted();
            }
            assertFalse(Thread.getAllStackTraces().keySet().stream()
                    .anyMatch(t -> t.getName().startsWith("bale-loader-") && t.isAlive()), "workers stopped before the ring was freed");
        }
    }

    @Test
    void breakingOutOfAnEpochAndStartingAnotherWorks() throws IOException {
        try (Container container = photos.pack(Layout.BIN, dir);
             DataLoader loader = DataLoader.builder(container).batchSize(2).workers(2).transform(eval()).build()) {
            for (Batch batch : loader.epoch(0)) {
                if (batch.number() == 1) {
                    break;
                }
            }
            int count = 0;
            for (Batch batch : loader.epoch(1)) {
                count += batch.size();
            }
            assertEquals(IMAGES, count);
        }
    }
}

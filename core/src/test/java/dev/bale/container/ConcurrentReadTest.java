package dev.bale.container;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bale.testing.Fixtures;
import dev.bale.testing.Fixtures.Image;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Many threads, each with its own reader, read the same bytes one thread reads. */
class ConcurrentReadTest {
    private static final int THREADS = 8;
    private static final int READS_PER_THREAD = 2_000;

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Layout.class)
    void eightReadersSeeWhatOneReaderSees(Layout layout) throws Exception {
        List<Image> images = Fixtures.images(40, 21);
        Path path = Fixtures.write(layout, dir, images);

        try (Container container = Containers.open(path)) {
            int n = container.size();
            // Single-threaded reference: CRC-32 and length of every record, and its key.
            long[] crcs = new long[n];
            int[] lengths = new int[n];
            String[] keys = new String[n];
            try (RecordReader reader = container.newReader()) {
                for (int i = 0; i < n; i++) {
                    ByteBuffer bytes = reader.read(i);
                    assertArrayEquals(images.get(i).bytes(), Fixtures.bytes(bytes), "reference read of record " + i);
                    crcs[i] = crc32(bytes);
                    lengths[i] = bytes.remaining();
                    keys[i] = reader.key(i);
                }
            }

            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<List<String>>> results = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    long seed = 1000L + t;
                    results.add(pool.submit(() -> {
                        List<String> mismatches = new ArrayList<>();
                        Random random = new Random(seed);
                        start.await();
                        try (RecordReader reader = container.newReader()) {
                            for (int r = 0; r < READS_PER_THREAD; r++) {
                                int i = random.nextInt(n);
                                ByteBuffer bytes = reader.read(i);
                                // The buffer is only valid until this reader's next read: check it now.
                                if (bytes.remaining() != lengths[i] || crc32(bytes) != crcs[i]) {
                                    mismatches.add("read " + r + ": record " + i);
                                }
                                if (r % 16 == 0 && !keys[i].equals(reader.key(i))) {
                                    mismatches.add("read " + r + ": key of record " + i);
                                }
                            }
                        }
                        return mismatches;
                    }));
                }
                start.countDown();
                List<String> all = new ArrayList<>();
                for (Future<List<String>> result : results) {
                    all.addAll(result.get(60, TimeUnit.SECONDS));
                }
                assertEquals(List.of(), all.subList(0, Math.min(all.size(), 20)), all.size() + " mismatched reads");
            } finally {
                pool.shutdownNow();
                pool.awaitTermination(10, TimeUnit.SECONDS);
            }
        }
    }

    private static long crc32(ByteBuffer bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes.duplicate());
        return crc.getValue();
    }
}

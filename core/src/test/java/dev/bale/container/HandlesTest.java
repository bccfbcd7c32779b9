package dev.bale.container;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bale.testing.Fixtures;
import dev.bale.testing.Fixtures.Image;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Closing a container while readers in other threads still use it never crashes the JVM: their
 * buffers stay valid until they close, and their next call fails with a clear exception.
 */
class HandlesTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Layout.class)
    void closingUnderBusyReadersFailsTheirNextCallClearly(Layout layout) throws Exception {
        List<Image> images = Fixtures.images(16, 151);
        Path path = Fixtures.write(layout, dir, images);
        Container container = Containers.open(path);
        int threads = 3;
        CountDownLatch reading = new CountDownLatch(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<String>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            results.add(pool.submit(() -> {
                try (RecordReader reader = container.newReader()) {
                    for (long n = 0; ; n++) {
                        int i = (int) (n % images.size());
                        ByteBuffer bytes;
                        try {
                            bytes = reader.read(i);
                        } catch (IllegalStateException e) {
                            return e.getMessage();
                        }
                        // The buffer is used after the container may have closed: it must stay valid.
                        assertArrayEquals(images.get(i).bytes(), Fixtures.bytes(bytes), "record " + i);
                        if (n == 20) {
                            reading.countDown();
                        }
                    }
                }
            }));
        }
        assertTrue(reading.await(60, TimeUnit.SECONDS));
        container.close();
        for (Future<String> result : results) {
            assertEquals(path + ": the container is closed", result.get(60, TimeUnit.SECONDS));
        }
        pool.shutdown();
        IllegalStateException e = assertThrows(IllegalStateException.class, container::newReader);
        assertEquals(path + ": the container is closed", e.getMessage());
        container.close(); // idempotent
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void aBufferStaysValidUntilItsReaderCloses(Layout layout) throws Exception {
        List<Image> images = Fixtures.images(6, 152);
        Path path = Fixtures.write(layout, dir, images);
        Container container = Containers.open(path);
        RecordReader reader = container.newReader();
        ByteBuffer bytes = reader.read(4);
        container.close();
        assertArrayEquals(images.get(4).bytes(), Fixtures.bytes(bytes));
        assertThrows(IllegalStateException.class, () -> reader.read(4));
        assertThrows(IllegalStateException.class, () -> reader.key(4));
        reader.close();
        reader.close();
    }
}

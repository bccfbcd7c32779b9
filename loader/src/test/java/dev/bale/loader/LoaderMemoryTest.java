package dev.bale.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bale.container.Container;
import dev.bale.container.Layout;
import dev.bale.transform.Transform;
import java.io.IOException;
import java.nio.file.Path;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Memory is bounded and released: nothing grows with epochs, and closing frees the batch ring. */
class LoaderMemoryTest {
    @TempDir
    Path dir;

    @Test
    void fiftyEpochsKeepNativeAndResidentMemoryFlat() throws IOException {
        LoaderFixture photos = LoaderFixture.photos(dir, 24);
        try (Container container = photos.pack(Layout.BIN, dir)) {
            long before = Pointer.totalBytes();
            DataLoader loader = DataLoader.builder(container).batchSize(5).workers(2).transform(Transform.train(64))
                    .shuffle(true).build();
            long ring = Pointer.totalBytes() - before;
            assertTrue(ring >= 3L * 5 * 3 * 64 * 64 * 4, "the ring is allocated up front: " + ring);
            long nativeAfterWarmUp = 0;
            long residentAfterWarmUp = 0;
            for (int epoch = 0; epoch < 50; epoch++) {
                for (Batch batch : loader.epoch(epoch)) {
                    batch.images();
                    batch.labels();
                }
                if (epoch == 9) {
                    nativeAfterWarmUp = Pointer.totalBytes();
                    residentAfterWarmUp = Pointer.physicalBytes();
                }
            }
            long nativeGrowth = Pointer.totalBytes() - nativeAfterWarmUp;
            long residentGrowth = Pointer.physicalBytes() - residentAfterWarmUp;
            assertEquals(0, nativeGrowth, "JavaCPP-allocated bytes grew over 40 epochs");
            assertTrue(residentGrowth < 24L << 20, "resident memory grew by " + (residentGrowth >> 20) + " MiB over 40 epochs");
            loader.close();
            assertTrue(Pointer.totalBytes() - before <= 0, "closing frees the ring: " + (Pointer.totalBytes() - before) + " bytes left");
        }
    }
}

package dev.bale.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bale.container.Container;
import dev.bale.container.Layout;
import dev.bale.transform.Transform;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Closing the container under a running loader (its workers read in other threads, LMDB's straight
 * out of the environment's map) fails the epoch with a clear exception; nothing crashes, and the
 * loader still closes cleanly.
 */
class ClosedContainerLoaderTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Layout.class)
    void closingTheContainerMidEpochFailsTheEpochClearly(Layout layout) throws Exception {
        LoaderFixture fixture = LoaderFixture.tiny(dir, 64);
        Container container = fixture.pack(layout, dir);
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            try (DataLoader loader = DataLoader.builder(container).batchSize(4).workers(2).prefetch(1)
                    .transform(Transform.eval(24, 20)).build()) {
                Iterator<Batch> batches = loader.epoch(0).iterator();
                assertEquals(4, batches.next().size());
                container.close();
                LoaderException e = assertThrows(LoaderException.class, () -> {
                    while (batches.hasNext()) {
                        batches.next();
                    }
                });
                assertTrue(e.getCause() instanceof IllegalStateException
                        && e.getCause().getMessage().equals(container.path() + ": the container is closed"), String.valueOf(e.getCause()));
            }
        });
    }
}

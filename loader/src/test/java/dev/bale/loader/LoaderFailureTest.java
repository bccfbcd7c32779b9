package dev.bale.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.bale.container.Container;
import dev.bale.container.Containers;
import dev.bale.container.Layout;
import dev.bale.container.RecordReader;
import dev.bale.synthetic.SyntheticDataset;
import dev.bale.pack.PackListener;
import dev.bale.pack.PackOptions;
import dev.bale.pack.Packer;
import dev.bale.pack.SourceInput;
import dev.bale.source.Source;
import dev.bale.testing.ThrowingContainer;
import dev.bale.transform.Transform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoaderFailureTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    /** 12 small JPEGs, the one at {@code badIndex} (in record order) replaced by text that is not an image. */
    private Container withBadImage(int badIndex) throws IOException {
        Path root = dir.resolve("src");
        SyntheticDataset.write(new SyntheticDataset.Spec(12, 3, 96, 72, false, 4), root, 2, done -> { });
        Source source = Source.folder(root);
        Files.writeString(source.entries().get(badIndex).file(), "not an image at all");
        Path out = dir.resolve("bad.bin");
        Packer.pack(new SourceInput(source), out, PackOptions.of(Layout.BIN), PackListener.NONE);
        return Containers.open(out);
    }

    @Test
    void aBadImageFailsTheEpochNamingTheRecord() throws IOException {
        try (Container container = withBadImage(7);
             DataLoader loader = DataLoader.builder(container).batchSize(4).workers(2).transform(Transform.eval(64, 48)).build()) {
            String key;
            try (RecordReader reader = container.newReader()) {
                key = reader.key(7);
            }
            assertTimeoutPreemptively(LIMIT, () -> {
                LoaderException e = assertThrows(LoaderException.class, () -> {
                    for (Batch batch : loader.epoch(0)) {
                        assertTrue(batch.number() < 1, "batch 1 holds the bad record and must not be delivered");
                    }
                });
                assertTrue(e.getMessage().contains("record 7") && e.getMessage().contains(key), e.getMessage());
            });
            // The loader is still usable after a failed epoch.
            assertThrows(LoaderException.class, () -> loader.epoch(1).forEach(b -> { }));
        }
    }

    @Test
    void skipReplacesABadImageWithTheNextGoodOneInSamplerOrder() throws IOException {
        try (Container container = withBadImage(5);
             DataLoader loader = DataLoader.builder(container).batchSize(4).workers(3).transform(Transform.eval(64, 48))
                     .onBadSample(BadSamplePolicy.SKIP).build()) {
            List<Integer> indices = new ArrayList<>();
            for (Batch batch : loader.epoch(0)) {
                for (int index : batch.indices()) {
                    indices.add(index);
                }
            }
            assertEquals(List.of(0, 1, 2, 3, 4, 6, 6, 7, 8, 9, 10, 11), indices);
            assertEquals(1, loader.lastStats().skipped());
            assertEquals(12, loader.lastStats().images());
        }
    }

    @Test
    void imagesOfDifferentSizesWithoutResizeFailBeforeTheFirstBatch() throws IOException {
        Path root = dir.resolve("mixed");
        SyntheticDataset.write(new SyntheticDataset.Spec(4, 2, 28, 28, true, 1), root, 1, done -> { });
        Files.write(root.resolve("class_01/odd.png"), SyntheticDataset.encode(new SyntheticDataset.Spec(1, 1, 30, 28, true, 1), 0));
        Path out = dir.resolve("mixed.bin");
        Packer.pack(new SourceInput(Source.folder(root)), out, PackOptions.of(Layout.BIN), PackListener.NONE);
        try (Container container = Containers.open(out)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> DataLoader.builder(container).transform(Transform.none()).build());
            assertTrue(e.getMessage().contains("class_01/odd.png") && e.getMessage().contains("30x28"), e.getMessage());
        }
    }

    @Test
    void anExceptionInAWorkerSurfacesInTheConsumer() throws IOException {
        try (Container good = withBadImage(0);
             Container failing = new ThrowingContainer(good, 9, new IllegalStateException("disk on fire"));
             DataLoader loader = DataLoader.builder(failing).batchSize(4).workers(2).transform(Transform.eval(64, 48))
                     .onBadSample(BadSamplePolicy.SKIP).build()) {
            assertTimeoutPreemptively(LIMIT, () -> {
                LoaderException e = assertThrows(LoaderException.class, () -> loader.epoch(0).forEach(b -> { }));
                assertTrue(e.getCause() instanceof IllegalStateException && e.getCause().getMessage().equals("disk on fire"),
                        String.valueOf(e.getCause()));
            });
        }
    }
}

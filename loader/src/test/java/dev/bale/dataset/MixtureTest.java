package dev.bale.dataset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bale.container.Containers;
import dev.bale.container.Layout;
import dev.bale.container.RecordReader;
import dev.bale.pack.PackListener;
import dev.bale.pack.PackOptions;
import dev.bale.pack.Packer;
import dev.bale.pack.ShardedPacker;
import dev.bale.pack.SourceInput;
import dev.bale.sample.Sampler;
import dev.bale.source.Source;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MixtureTest {
    @TempDir
    Path dir;

    @Test
    void drawsEachPartByItsWeightDeterministically() throws IOException {
        dev.bale.testing.Datasets.photos(dir.resolve("a"), 12);
        dev.bale.testing.Datasets.tiny(dir.resolve("b"), 40);
        Source a = Source.folder(dir.resolve("a"));
        Source b = Source.folder(dir.resolve("b"));
        Packer.pack(new SourceInput(a), dir.resolve("a.bin"), PackOptions.of(Layout.BIN), PackListener.NONE);
        ShardedPacker.pack(new SourceInput(b), dir.resolve("b-ds"), PackOptions.of(Layout.TFRECORD),
                ShardPlan.ofShards(40, 3), PackListener.NONE);
        try (Mixture mix = Datasets.mix(Containers.open(dir.resolve("a.bin")), 0.7, Containers.open(dir.resolve("b-ds")), 0.3);
             RecordReader reader = mix.newReader()) {
            assertEquals(52, mix.size());
            // Records and labels of both parts, class names merged.
            for (int i = 0; i < 52; i++) {
                Source part = i < 12 ? a : b;
                int local = i < 12 ? i : i - 12;
                ByteBuffer got = reader.read(i);
                byte[] bytes = new byte[got.remaining()];
                got.get(bytes);
                assertArrayEquals(Files.readAllBytes(part.entries().get(local).file()), bytes);
                assertEquals(part.classes().get(part.classId(local)), mix.manifest().classes().get(mix.classIds()[i]));
            }
            Sampler sampler = mix.sampler(5, 10_000);
            int[] order = sampler.indices(0);
            long fromA = Arrays.stream(order).filter(i -> i < 12).count();
            assertTrue(Math.abs(fromA / 10_000.0 - 0.7) < 0.02, "share of a: " + fromA / 10_000.0);
            assertArrayEquals(order, mix.sampler(5, 10_000).indices(0));
            assertFalse(Arrays.equals(order, sampler.indices(1)));
            // Within a part, records come without repeats until the part is used up.
            int[] firstTwelve = Arrays.stream(order).filter(i -> i < 12).limit(12).sorted().toArray();
            assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, firstTwelve);
        }
    }
}

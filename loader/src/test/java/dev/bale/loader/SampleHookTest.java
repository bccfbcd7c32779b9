package dev.bale.loader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bale.container.Container;
import dev.bale.container.Layout;
import dev.bale.transform.ColorJitter;
import dev.bale.transform.Normalize;
import dev.bale.transform.RandomPerspective;
import dev.bale.transform.RandomResizedCrop;
import dev.bale.transform.Resize;
import dev.bale.transform.Transform;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleHookTest {
    @TempDir
    Path dir;

    private static List<byte[]> batches(Container c, Transform t, SampleHook hook, int workers) {
        List<byte[]> out = new ArrayList<>();
        try (DataLoader loader = DataLoader.builder(c).batchSize(8).workers(workers).transform(t).seed(3)
                .withSampleHook(hook).build()) {
            for (Batch b : loader.epoch(0)) {
                ByteBuffer pixels = b.imageBuffer();
                byte[] bytes = new byte[pixels.remaining()];
                pixels.get(bytes);
                out.add(bytes);
            }
        }
        return out;
    }

    @Test
    void aHookThatChangesNothingChangesNothingAndItsChangesLand() throws Exception {
        LoaderFixture photos = LoaderFixture.photos(dir, 24);
        try (Container c = photos.pack(Layout.BIN, dir)) {
            Transform jittered = Transform.compose(RandomResizedCrop.of(64, 80), RandomPerspective.of(0.4, 0.5),
                    ColorJitter.of(0.3, 0.3, 0.3, 0.1), Normalize.imagenet());
            List<byte[]> plain = batches(c, jittered, null, 2);
            List<byte[]> hooked = batches(c, jittered, (index, image) -> { }, 2);
            for (int b = 0; b < plain.size(); b++) {
                assertArrayEquals(plain.get(b), hooked.get(b), "batch " + b);
            }
            // Inverted in the hook, no colour ops after: the output is 255 - the plain one.
            Transform geometric = Transform.compose(Resize.to(40, 50)).withOutput(Transform.Output.UINT8_CHW);
            List<byte[]> straight = batches(c, geometric, null, 1);
            List<byte[]> inverted = batches(c, geometric, (index, image) -> {
                ByteBuffer p = image.pixels();
                assertEquals(40 * 50 * 3, p.remaining());
                for (int i = 0; i < p.limit(); i++) {
                    p.put(i, (byte) (255 - (p.get(i) & 0xFF)));
                }
            }, 3);
            for (int b = 0; b < straight.size(); b++) {
                for (int i = 0; i < straight.get(b).length; i++) {
                    assertEquals(255 - (straight.get(b)[i] & 0xFF), inverted.get(b)[i] & 0xFF);
                }
            }
        }
    }

    /** Not a check: prints what a no-op hook costs, for the notes (the machine is shared). */
    @Test
    void costOfAnEmptyHook() throws Exception {
        LoaderFixture photos = LoaderFixture.photos(dir, 64);
        try (Container c = photos.pack(Layout.BIN, dir)) {
            Transform t = Transform.compose(RandomResizedCrop.of(224), ColorJitter.of(0.4, 0.4, 0.4, 0), Normalize.imagenet());
            double[] rates = new double[2];
            for (int round = 0; round < 3; round++) {
                for (int k = 0; k < 2; k++) {
                    try (DataLoader loader = DataLoader.builder(c).batchSize(16).workers(2).transform(t)
                            .withSampleHook(k == 0 ? null : (index, image) -> { }).build()) {
                        loader.epoch(0).forEach(b -> { });
                        rates[k] = Math.max(rates[k], loader.lastStats().imagesPerSecond());
                    }
                }
            }
            System.out.printf("sample hook cost: %.0f img/s without, %.0f img/s with an empty hook (%.1f%%)%n",
                    rates[0], rates[1], 100 * (1 - rates[1] / rates[0]));
        }
    }
}

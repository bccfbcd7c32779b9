package dev.bale.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bale.container.Container;
import dev.bale.container.Layout;
import dev.bale.transform.Transform;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loader with JPEG region decoding delivers the batches it delivers without, and says how much it decoded. */
class RegionDecodeLoaderTest {
    @TempDir
    Path dir;

    @Test
    void sameBatchesWithAndWithoutRegionDecodingAndTheFractionDecoded() throws IOException {
        LoaderFixture photos = LoaderFixture.photos(dir, 16);
        Transform train = Transform.train(48).withColorJitter(0.4f, 0.4f, 0.4f);
        try (Container container = photos.pack(Layout.BIN, dir);
             DataLoader region = loader(container, train, true);
             DataLoader whole = loader(container, train, false);
             DataLoader exact = loader(container, train.withReducedDecode(false), true)) {
            for (int epoch = 0; epoch < 2; epoch++) {
                assertEquals(checksums(whole, epoch), checksums(region, epoch), "epoch " + epoch);
                double fraction = region.lastStats().decodedFraction();
                assertTrue(fraction > 0 && fraction < 0.9, "region decoding decoded " + fraction);
                assertEquals(1.0, whole.lastStats().decodedFraction());
                checksums(exact, epoch);
                assertEquals(1.0, exact.lastStats().decodedFraction());
            }
        }
    }

    private static DataLoader loader(Container container, Transform transform, boolean regions) {
        return DataLoader.builder(container).batchSize(4).workers(2).transform(transform).shuffle(true).seed(3)
                .jpegRegionDecode(regions).build();
    }

    private static List<Long> checksums(DataLoader loader, int epoch) {
        List<Long> sums = new ArrayList<>();
        for (Batch batch : loader.epoch(epoch)) {
            CRC32C crc = new CRC32C();
            crc.update(batch.imageBuffer());
            crc.update(ByteBuffer.wrap(java.util.Arrays.toString(batch.indices()).getBytes()));
            sums.add(crc.getValue());
        }
        return sums;
    }
}

package dev.bale.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bale.container.Container;
import dev.bale.container.Containers;
import dev.bale.container.CorruptContainerException;
import dev.bale.container.Layout;
import dev.bale.container.RecordReader;
import dev.bale.synthetic.SyntheticDataset;
import dev.bale.image.opencv.DecodeCheck;
import dev.bale.nativ.BaleNative;
import dev.bale.nativ.NativeDecodeException;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sizes an image header declares are capped before any decoder allocates; under SKIP only bad
 * records are skipped, while allocation and parameter failures stop the epoch.
 */
class FaultsAndCapsTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    /** 12 small JPEGs; the one at {@code index} claims 20000 x 20000 pixels in its frame header. */
    private Container withHugeHeader(int index) throws IOException {
        Path root = dir.resolve("src");
        SyntheticDataset.write(new SyntheticDataset.Spec(12, 3, 96, 72, false, 4), root, 2, done -> { });
        Source source = Source.folder(root);
        Path victim = source.entries().get(index).file();
        Files.write(victim, claimSize(Files.readAllBytes(victim), 20000, 20000));
        Path out = dir.resolve("huge.bin");
        Packer.pack(new SourceInput(source), out, PackOptions.of(Layout.BIN), PackListener.NONE);
        return Containers.open(out);
    }

    static byte[] claimSize(byte[] jpeg, int width, int height) {
        for (int at = 2; at + 9 < jpeg.length; at++) {
            if ((jpeg[at] & 0xFF) == 0xFF && ((jpeg[at + 1] & 0xFF) == 0xC0 || (jpeg[at + 1] & 0xFF) == 0xC2)) {
                jpeg[at + 5] = (byte) (height >> 8);
                jpeg[at + 6] = (byte) height;
                jpeg[at + 7] = (byte) (width >> 8);
                jpeg[at + 8] = (byte) width;
                return jpeg;
            }
        }
        throw new AssertionError("no frame header");
    }

    @Test
    void aHeaderOverTheLimitFailsTheRecordBeforeDecoding() throws IOException {
        try (Container container = withHugeHeader(5);
             DataLoader loader = DataLoader.builder(container).batchSize(4).workers(2).transform(Transform.eval(64, 48)).build()) {
            assertTimeoutPreemptively(LIMIT, () -> {
                LoaderException e = assertThrows(LoaderException.class, () -> loader.epoch(0).forEach(b -> { }));
                assertTrue(e.getMessage().contains("record 5") && e.getMessage().contains("declares 20000x20000 pixels"),
                        e.getMessage());
            });
        }
    }

    @Test
    void skipSkipsARecordOverTheLimit() throws IOException {
        try (Container container = withHugeHeader(5);
             DataLoader loader = DataLoader.builder(container).batchSize(4).workers(2).transform(Transform.eval(64, 48))
                     .onBadSample(BadSamplePolicy.SKIP).build()) {
            loader.epoch(0).forEach(b -> { });
            assertEquals(1, loader.lastStats().skipped());
        }
    }

    @Test
    void theLimitIsConfigurableAndAlsoGuardsDecodeChecks() throws IOException {
        try (Container container = withHugeHeader(5); RecordReader reader = container.newReader()) {
            assertTrue(DecodeCheck.problem(reader.read(5)).contains("declares 20000x20000"));
            assertEquals(null, DecodeCheck.problem(reader.read(4)));
            System.setProperty("bale.maxImagePixels", "1000");
            try {
                assertTrue(DecodeCheck.problem(reader.read(4)).contains("over the limit of 1000"));
            } finally {
                System.clearProperty("bale.maxImagePixels");
            }
        }
    }

    @Test
    void underSkipAnAllocationFailureStillStopsTheEpoch() throws IOException {
        NativeDecodeException oom = new NativeDecodeException(BaleNative.STATUS_OUT_OF_MEMORY, "out of memory");
        try (Container good = withHugeHeader(0);
             Container failing = new ThrowingContainer(good, 9, oom);
             DataLoader loader = DataLoader.builder(failing).batchSize(4).workers(2).transform(Transform.eval(64, 48))
                     .onBadSample(BadSamplePolicy.SKIP).build()) {
            assertTimeoutPreemptively(LIMIT, () -> {
                LoaderException e = assertThrows(LoaderException.class, () -> loader.epoch(0).forEach(b -> { }));
                assertSame(oom, e.getCause());
                assertTrue(e.getMessage().contains("record 9") && e.getMessage().contains("other than bad data"), e.getMessage());
            });
        }
    }

    @Test
    void badDataAndFaultsAreToldApart() {
        assertTrue(BadData.isBadData(new CorruptContainerException("x: record 1: checksum mismatch")));
        assertTrue(BadData.isBadData(new NativeDecodeException(BaleNative.STATUS_UNDECODABLE, "")));
        assertTrue(BadData.isBadData(new NativeDecodeException(BaleNative.STATUS_BAD_GEOMETRY, "")));
        assertFalse(BadData.isBadData(new NativeDecodeException(BaleNative.STATUS_BAD_PARAMS, "")));
        assertFalse(BadData.isBadData(new NativeDecodeException(BaleNative.STATUS_OUT_OF_MEMORY, "")));
        assertFalse(BadData.isBadData(new IllegalStateException()));
    }
}

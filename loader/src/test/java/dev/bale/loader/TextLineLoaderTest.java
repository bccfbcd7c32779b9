package dev.bale.loader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bale.container.Container;
import dev.bale.container.Containers;
import dev.bale.container.Layout;
import dev.bale.synthetic.TextLines;
import dev.bale.image.ImageHeader;
import dev.bale.pack.PackListener;
import dev.bale.pack.PackOptions;
import dev.bale.pack.Packer;
import dev.bale.pack.SourceInput;
import dev.bale.source.Source;
import dev.bale.text.Charset;
import dev.bale.transform.ColorJitter;
import dev.bale.transform.Normalize;
import dev.bale.transform.RandomHorizontalFlip;
import dev.bale.transform.RandomPerspective;
import dev.bale.transform.RandomRotation;
import dev.bale.transform.Resize;
import dev.bale.transform.TextLine;
import dev.bale.transform.Transform;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Text lines in the seed's SQLite layout, through the loader: texts, widths, padding, CTC targets. */
class TextLineLoaderTest {
    private static final int LINES = 40;

    @TempDir
    static Path dir;
    private static Container container;
    private static List<String> texts;

    @BeforeAll
    static void pack() throws IOException {
        Path labels = TextLines.write(dir.resolve("lines"), LINES, 3);
        Path out = dir.resolve("lines.sqlite");
        Packer.pack(new SourceInput(Source.list(labels, dir.resolve("lines"))), out, PackOptions.of(Layout.SQLITE),
                PackListener.NONE);
        container = Containers.open(out);
        texts = new ArrayList<>();
        for (String line : Files.readAllLines(labels)) {
            texts.add(line.substring(line.indexOf('\t') + 1));
        }
    }

    @AfterAll
    static void close() {
        container.close();
    }

    private static List<byte[]> run(Transform t, int workers, int batch, List<int[]> widths) {
        List<byte[]> out = new ArrayList<>();
        try (DataLoader loader = DataLoader.builder(container).batchSize(batch).workers(workers).transform(t).seed(5)
                .build()) {
            for (Batch b : loader.epoch(1)) {
                ByteBuffer pixels = b.imageBuffer();
                byte[] bytes = new byte[pixels.remaining()];
                pixels.get(bytes);
                out.add(bytes);
                int[] w = new int[b.size()];
                for (int i = 0; i < b.size(); i++) {
                    w[i] = b.width(i);
                }
                widths.add(w);
            }
        }
        return out;
    }

    @Test
    void textLinesKeepTheirAspectRatioAndBatchesAreCutToTheWidestLine() {
        Transform t = Transform.textLine(32, 256, 0, TextLine.PadPolicy.BATCH_MAX);
        try (DataLoader loader = DataLoader.builder(container).batchSize(16).workers(2).transform(t).build()) {
            assertEquals(256, loader.width());
            int seen = 0;
            for (Batch b : loader.epoch(0)) {
                int widest = 0;
                String[] batchTexts = b.texts();
                String[] keys = b.keys();
                for (int i = 0; i < b.size(); i++) {
                    int index = b.index(i);
                    assertEquals(texts.get(index), batchTexts[i], "text of record " + index);
                    assertEquals(String.format("lines/%06d.jpg", index), keys[i]);
                    ImageHeader h;
                    try (var reader = container.newReader()) {
                        h = ImageHeader.probe(reader.read(index)).orElseThrow();
                    }
                    int expected = (int) Math.max(1, Math.min(256, Math.round((double) h.width() * 32 / h.height())));
                    assertEquals(expected, b.width(i), "width of record " + index);
                    widest = Math.max(widest, expected);
                }
                int padded = Math.min(256, (widest + 7) / 8 * 8);
                assertEquals(padded, b.paddedWidth());
                Tensor images = b.images();
                assertArrayEquals(new long[] {b.size(), 3, 32, padded}, images.shape());
                Tensor widths = b.widths();
                assertArrayEquals(new long[] {b.size()}, widths.shape());
                assertEquals(b.width(0), widths.data_ptr_long().get(0));
                seen += b.size();
            }
            assertEquals(LINES, seen);
            LoaderStats stats = loader.lastStats();
            assertTrue(stats.paddingFraction() > 0 && stats.paddingFraction() < 1, stats.toString());
        }
    }

    @Test
    void paddingIsThePadValueAndWorkersDoNotChangeAPixel() {
        Transform t = Transform.textLine(24, 200, 255, TextLine.PadPolicy.MAX_WIDTH).withOutput(Transform.Output.UINT8_CHW);
        List<int[]> widths1 = new ArrayList<>();
        List<int[]> widths3 = new ArrayList<>();
        List<byte[]> one = run(t, 1, 8, widths1);
        List<byte[]> three = run(t, 3, 8, widths3);
        assertEquals(one.size(), three.size());
        for (int b = 0; b < one.size(); b++) {
            assertArrayEquals(one.get(b), three.get(b), "batch " + b);
            assertArrayEquals(widths1.get(b), widths3.get(b));
            byte[] batch = one.get(b);
            for (int i = 0; i < widths1.get(b).length; i++) {
                int w = widths1.get(b)[i];
                for (int c = 0; c < 3; c++) {
                    for (int y = 0; y < 24; y++) {
                        for (int x = w; x < 200; x++) {
                            assertEquals(255, batch[((i * 3 + c) * 24 + y) * 200 + x] & 0xFF, "padding at " + x);
                        }
                    }
                }
            }
        }
    }

    @Test
    void ctcTargetsConcatenateTheLabelsCharacterIds() {
        Charset charset = Charset.of(container);
        try (DataLoader loader = DataLoader.builder(container).batchSize(8).workers(1).transform(Transform.textLine(32))
                .build()) {
            for (Batch b : loader.epoch(0)) {
                try (CtcTargets targets = b.targets(charset)) {
                    long[] lengths = new long[b.size()];
                    targets.lengths().data_ptr_long().get(lengths);
                    long total = 0;
                    for (int i = 0; i < b.size(); i++) {
                        assertEquals(b.texts()[i].codePointCount(0, b.texts()[i].length()), lengths[i]);
                        total += lengths[i];
                    }
                    assertEquals(total, targets.targets().numel());
                    long[] flat = new long[(int) total];
                    targets.targets().data_ptr_long().get(flat);
                    int at = 0;
                    for (int i = 0; i < b.size(); i++) {
                        int[] ids = new int[(int) lengths[i]];
                        for (int k = 0; k < ids.length; k++) {
                            ids[k] = (int) flat[at++];
                            assertTrue(ids[k] >= 1 && ids[k] < charset.size(), "0 is the blank");
                        }
                        assertEquals(b.texts()[i], charset.decode(ids));
                    }
                }
            }
            // A charset without 'a': an error naming the record, or <unk> when asked for.
            Charset noA = Charset.of(charset.characters().replace("a", ""));
            Batch first = loader.epoch(0).iterator().next();
            int withA = -1;
            for (int i = 0; i < first.size() && withA < 0; i++) {
                withA = first.texts()[i].contains("a") ? i : -1;
            }
            assertTrue(withA >= 0, "a fixture line with an 'a'");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> first.targets(noA));
            assertTrue(e.getMessage().contains("record ") && e.getMessage().contains("lines/") && e.getMessage().contains("'a'"),
                    e.getMessage());
            try (CtcTargets unk = first.targets(noA.withUnknown())) {
                assertTrue(unk.targets().numel() > 0);
            }
        }
    }

    @Test
    void charsetIsSortedWithTheBlankFirstAndRoundTripsThroughAFile() throws IOException {
        Charset charset = Charset.of(container);
        String chars = charset.characters();
        assertTrue(chars.codePoints().sorted().distinct().toArray().length == chars.length());
        assertEquals(1, charset.id(chars.codePointAt(0)));
        assertEquals(chars.length() + 1, charset.size());
        Path file = dir.resolve("charset.txt");
        charset.save(file);
        assertEquals(chars, Charset.fromFile(file).characters());
        Charset greek = Charset.of("αβγ");
        assertArrayEquals(new int[] {2, 1, 3}, greek.encode("βαγ", () -> "x"));
    }

    @Test
    void widthBucketsCutThePadding() {
        Transform t = Transform.textLine(32, 512, 0, TextLine.PadPolicy.BATCH_MAX);
        double plain;
        double bucketed;
        try (DataLoader loader = DataLoader.builder(container).batchSize(8).workers(2).transform(t)
                .sampler(dev.bale.sample.Sampler.shuffled(LINES, 1)).build()) {
            loader.epoch(0).forEach(b -> { });
            plain = loader.lastStats().paddingFraction();
        }
        try (DataLoader loader = DataLoader.builder(container).batchSize(8).workers(2).transform(t)
                .sampler(dev.bale.sample.WidthBucketSampler.of(RecordShapes.aspectRatios(container), 8, 1)).build()) {
            loader.epoch(0).forEach(b -> { });
            bucketed = loader.lastStats().paddingFraction();
        }
        assertTrue(bucketed < plain / 2, "padding " + bucketed + " bucketed, " + plain + " shuffled");
    }

    @Test
    void pipelinesArePixelExactWithOneOrThreeWorkers() {
        Transform t = Transform.compose(Resize.to(40, 120), RandomPerspective.of(0.5, 0.8), RandomRotation.of(5),
                RandomHorizontalFlip.of(0.5), ColorJitter.of(0.4, 0.4, 0.4, 0.2), Normalize.imagenet());
        List<byte[]> one = run(t, 1, 8, new ArrayList<>());
        List<byte[]> three = run(t, 3, 8, new ArrayList<>());
        for (int b = 0; b < one.size(); b++) {
            assertArrayEquals(one.get(b), three.get(b), "batch " + b);
        }
    }
}

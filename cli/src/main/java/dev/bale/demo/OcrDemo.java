package dev.bale.demo;

import dev.bale.container.Container;
import dev.bale.container.Containers;
import dev.bale.container.Layout;
import dev.bale.loader.Batch;
import dev.bale.loader.CtcTargets;
import dev.bale.loader.DataLoader;
import dev.bale.loader.LoaderStats;
import dev.bale.loader.RecordShapes;
import dev.bale.pack.PackListener;
import dev.bale.pack.PackOptions;
import dev.bale.pack.PackResult;
import dev.bale.pack.Packer;
import dev.bale.pack.SourceInput;
import dev.bale.preview.Preview;
import dev.bale.sample.Sampler;
import dev.bale.sample.WidthBucketSampler;
import dev.bale.source.Source;
import dev.bale.synthetic.TextLines;
import dev.bale.text.Charset;
import dev.bale.transform.TextLine;
import dev.bale.transform.Transform;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * {@code bale demo --ocr}: generated text lines packed into the seed's SQLite layout
 * ({@code images(img_data, img_label)}), streamed as text-recognition batches (height 32, padded
 * to each batch's widest line) with CTC targets, shuffled and width-bucketed side by side, and a
 * preview of what the model sees.
 */
public final class OcrDemo {
    private OcrDemo() {
    }

    public static void run(Path dir, int lines, int workers, PrintStream log) throws IOException {
        Path root = dir.resolve("ocr");
        Path labels = TextLines.write(root.resolve("lines"), lines, 1);
        Path packed = root.resolve("lines.sqlite");
        PackResult pack = Packer.pack(new SourceInput(Source.list(labels, root.resolve("lines"))), packed,
                PackOptions.of(Layout.SQLITE).withForce(true), PackListener.NONE);
        log.printf("packed %,d text lines into %s (%.2f MB, %.2f s)%n", lines, packed, pack.bytesOnDisk() / 1e6,
                pack.seconds());
        try (Container container = Containers.open(packed)) {
            Charset charset = Charset.of(container);
            log.printf("charset: %d characters (+ the CTC blank): %s%n", charset.size() - 1, charset.characters());
            Transform text = Transform.textLine(32, 512, 0, TextLine.PadPolicy.BATCH_MAX);
            Sampler shuffled = Sampler.shuffled(container.size(), 1);
            Sampler bucketed = WidthBucketSampler.of(RecordShapes.aspectRatios(container), 64, 1);
            for (Sampler sampler : new Sampler[] {shuffled, bucketed}) {
                String name = sampler == shuffled ? "shuffled" : "width buckets";
                try (DataLoader loader = DataLoader.builder(container).batchSize(64).workers(workers).transform(text)
                        .sampler(sampler).seed(1).build()) {
                    long characters = 0;
                    for (int epoch = 0; epoch < 2; epoch++) {
                        for (Batch batch : loader.epoch(epoch)) {
                            try (CtcTargets targets = batch.targets(charset)) {
                                characters += targets.targets().numel();
                            }
                        }
                    }
                    LoaderStats stats = loader.lastStats();
                    log.printf("%-13s %,.0f lines/s, %.1f%% padding, %,d target characters in 2 epochs%n", name,
                            stats.imagesPerSecond(), 100 * stats.paddingFraction(), characters);
                }
            }
            Path preview = root.resolve("preview");
            Preview.write(container, text, 16, 1, 0, true, preview);
            log.println("what the model sees: " + preview.resolve("grid.png"));
        }
    }
}

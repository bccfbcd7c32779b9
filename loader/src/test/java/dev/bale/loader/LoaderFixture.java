package dev.bale.loader;

import dev.bale.container.Container;
import dev.bale.container.Containers;
import dev.bale.container.Layout;
import dev.bale.synthetic.SyntheticDataset;
import dev.bale.pack.PackListener;
import dev.bale.pack.PackOptions;
import dev.bale.pack.Packer;
import dev.bale.pack.SourceInput;
import dev.bale.source.Source;
import dev.bale.testing.NativeParams;
import dev.bale.testing.OpenCvReference;
import dev.bale.transform.Planner;
import dev.bale.transform.SamplePlan;
import dev.bale.transform.Transform;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/** A generated dataset, packed, and the single-threaded reference that decodes its original files. */
final class LoaderFixture {
    final Path root;
    final Source source;

    private LoaderFixture(Path root, Source source) {
        this.root = root;
        this.source = source;
    }

    /** {@code images} JPEGs of 320x240 in 3 classes: big enough that eval(64, 56) decodes at half scale. */
    static LoaderFixture photos(Path dir, int images) throws IOException {
        Path root = dir.resolve("photos");
        SyntheticDataset.write(new SyntheticDataset.Spec(images, 3, 320, 240, false, 11), root, 2, done -> { });
        return new LoaderFixture(root, Source.folder(root));
    }

    /** {@code images} 28x28 grayscale PNGs. */
    static LoaderFixture tiny(Path dir, int images) throws IOException {
        Path root = dir.resolve("tiny");
        SyntheticDataset.write(SyntheticDataset.Spec.tiny(images), root, 2, done -> { });
        return new LoaderFixture(root, Source.folder(root));
    }

    Container pack(Layout layout, Path dir) throws IOException {
        Path out = dir.resolve(root.getFileName() + "." + layout.id());
        if (!Files.exists(out)) {
            Packer.pack(new SourceInput(source), out, PackOptions.of(layout), PackListener.NONE);
        }
        return Containers.open(out);
    }

    /**
     * What record {@code index} must become in a batch: its ORIGINAL file decoded and transformed
     * by OpenCV's Java API, one call at a time, with the plan the loader's planner makes.
     */
    ByteBuffer reference(int index, Transform transform, long seed, int epoch, int channels) throws IOException {
        byte[] file = Files.readAllBytes(source.entries().get(index).file());
        ByteBuffer encoded = ByteBuffer.allocateDirect(file.length).put(file).flip();
        NativeParams p = new NativeParams();
        p.grayscale = channels == 1;
        p.output = switch (transform.output()) {
            case FLOAT_CHW -> 0;
            case UINT8_CHW -> 1;
            case UINT8_HWC -> 2;
        };
        p.mean = transform.mean();
        p.std = transform.std();
        int[] size = dimensions(encoded);
        if (transform.mode() == Transform.Mode.NONE) {
            p.outW = size[0];
            p.outH = size[1];
        } else {
            SamplePlan plan = new SamplePlan();
            new Planner(transform, seed).plan(size[0], size[1], file[0] == (byte) 0xFF, epoch, index, plan);
            p.reduce = plan.reduce;
            p.cropX = plan.cropX;
            p.cropY = plan.cropY;
            p.cropW = plan.cropWidth;
            p.cropH = plan.cropHeight;
            p.outW = plan.outWidth;
            p.outH = plan.outHeight;
            p.flip = plan.flip;
            p.brightness = plan.brightness;
            p.contrast = plan.contrast;
            p.saturation = plan.saturation;
        }
        return OpenCvReference.apply(encoded, p);
    }

    private static int[] dimensions(ByteBuffer encoded) {
        var header = dev.bale.image.ImageHeader.probe(encoded).orElseThrow();
        return new int[] {header.width(), header.height()};
    }
}

package dev.bale.testing;

import dev.bale.synthetic.SyntheticDataset;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Small generated datasets in class folders, made fresh by each test. */
public final class Datasets {
    private Datasets() {
    }

    /** {@code images} small colour JPEGs (64×48) in 3 class folders under {@code root}. */
    public static List<Path> photos(Path root, int images) throws IOException {
        return SyntheticDataset.write(new SyntheticDataset.Spec(images, 3, 64, 48, false, 7), root, 2, done -> { });
    }

    /** {@code images} 28×28 grayscale PNGs in 10 class folders. */
    public static List<Path> tiny(Path root, int images) throws IOException {
        return SyntheticDataset.write(SyntheticDataset.Spec.tiny(images), root, 2, done -> { });
    }
}

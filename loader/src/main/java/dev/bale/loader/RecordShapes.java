package dev.bale.loader;

import dev.bale.container.Container;
import dev.bale.container.CorruptContainerException;
import dev.bale.container.RecordReader;
import dev.bale.image.ImageHeader;
import java.util.Optional;

/** Per-record image sizes from the headers (no decoding), for width-bucketing samplers. */
public final class RecordShapes {
    private RecordShapes() {
    }

    /** Width / height of every record's image; NaN where the header cannot be read. */
    public static double[] aspectRatios(Container container) {
        double[] ratios = new double[container.size()];
        try (RecordReader reader = container.newReader()) {
            for (int i = 0; i < ratios.length; i++) {
                Optional<ImageHeader> h;
                try {
                    h = ImageHeader.probe(reader.read(i));
                } catch (CorruptContainerException e) {
                    h = Optional.empty();
                }
                ratios[i] = h.map(x -> (double) x.width() / x.height()).orElse(Double.NaN);
            }
        }
        return ratios;
    }
}

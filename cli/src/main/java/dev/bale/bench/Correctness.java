package dev.bale.bench;

import dev.bale.container.Container;
import dev.bale.loader.Batch;
import dev.bale.loader.DataLoader;
import dev.bale.loader.SampleDecoder;
import dev.bale.source.Source;
import dev.bale.transform.Transform;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;

/**
 * What the loader delivers with all its workers, compared with each source FILE decoded alone on
 * this thread: the container, the readers, the workers and the ring must change nothing.
 */
final class Correctness {
    private Correctness() {
    }

    /** Returns {checked, mismatches} over the first {@code samples} samples of epoch 0 (sequential). */
    static int[] check(Container container, Source source, Transform transform, int workers, int samples) {
        Map<String, java.nio.file.Path> files = new HashMap<>();
        source.entries().forEach(e -> files.put(e.key(), e.file()));
        int checked = 0;
        int mismatches = 0;
        try (DataLoader loader = DataLoader.builder(container).batchSize(32).workers(workers).transform(transform).build();
             SampleDecoder alone = new SampleDecoder(transform, 0, loader.channels(), loader.width(), loader.height());
             var reader = container.newReader()) {
            ByteBuffer expected = ByteBuffer.allocateDirect((int) loader.sampleBytes());
            byte[] got = new byte[(int) loader.sampleBytes()];
            byte[] want = new byte[got.length];
            for (Batch batch : loader.epoch(0)) {
                for (int i = 0; i < batch.size() && checked < samples; i++, checked++) {
                    int index = batch.index(i);
                    byte[] file = Files.readAllBytes(files.get(reader.key(index)));
                    alone.decode(Bench.direct(file), 0, index, expected, 0);
                    expected.get(0, want);
                    batch.imageBuffer().get((int) (i * loader.sampleBytes()), got);
                    if (!java.util.Arrays.equals(got, want)) {
                        mismatches++;
                    }
                }
                if (checked >= samples) {
                    break;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new int[] {checked, mismatches};
    }
}

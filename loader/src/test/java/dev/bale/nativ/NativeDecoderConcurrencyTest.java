package dev.bale.nativ;

import dev.bale.testing.NativeParams;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class NativeDecoderConcurrencyTest {
    private static final int THREADS = 4;
    private static final int SAMPLES = 24;

    /** A sample: an image and what to do with it. Sizes differ from one to the next, so per-thread scratch images are resized often. */
    private record Sample(ByteBuffer encoded, NativeParams transform) {
    }

    @Test
    void fourThreadsWithTheirOwnDecodersMatchOneThread() throws Exception {
        List<Sample> samples = samples();
        byte[][] expected = new byte[SAMPLES][];
        try (NativeDecoder decoder = new NativeDecoder()) {
            for (int i = 0; i < SAMPLES; i++) {
                expected[i] = decode(decoder, samples.get(i));
            }
        }

        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<byte[][]>> results = new ArrayList<>();
            for (int thread = 0; thread < THREADS; thread++) {
                long seed = thread;
                results.add(pool.submit(() -> decodeAllInShuffledOrder(samples, seed)));
            }
            for (Future<byte[][]> result : results) {
                byte[][] actual = result.get();
                for (int i = 0; i < SAMPLES; i++) {
                    assertArrayEquals(expected[i], actual[i], "sample " + i + ": " + samples.get(i).transform());
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static byte[][] decodeAllInShuffledOrder(List<Sample> samples, long seed) {
        List<Integer> order = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < SAMPLES; i++) {
                order.add(i);
            }
        }
        Collections.shuffle(order, new Random(seed));
        byte[][] out = new byte[SAMPLES][];
        try (NativeDecoder decoder = new NativeDecoder()) {
            for (int i : order) {
                out[i] = decode(decoder, samples.get(i));
            }
        }
        return out;
    }

    private static byte[] decode(NativeDecoder decoder, Sample sample) {
        NativeParams t = sample.transform();
        t.applyTo(decoder.params());
        ByteBuffer target = ByteBuffer.allocateDirect(t.outputBytes());
        decoder.decode(sample.encoded().duplicate(), target, 0);
        byte[] bytes = new byte[target.capacity()];
        target.get(bytes);
        return bytes;
    }

    private static List<Sample> samples() {
        Random random = new Random(11);
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < SAMPLES; i++) {
            if (i % 4 == 3) {
                NativeParams t = NativeParams.crop(0, 0, 28, 28, 28);
                t.grayscale = true;
                samples.add(new Sample(TestImages.tiny(i), t.output(random.nextInt(3))));
                continue;
            }
            int reduce = 1 << random.nextInt(3);
            int width = (TestImages.PHOTO_WIDTH + reduce - 1) / reduce;
            int height = (TestImages.PHOTO_HEIGHT + reduce - 1) / reduce;
            int w = 8 + random.nextInt(width - 8);
            int h = 8 + random.nextInt(height - 8);
            NativeParams t = NativeParams.crop(random.nextInt(width - w + 1), random.nextInt(height - h + 1), w, h,
                    64 + random.nextInt(200)).reduce(reduce).output(random.nextInt(3));
            if (random.nextBoolean()) {
                t.flip().jitter(0.6f + random.nextFloat(), 0.6f + random.nextFloat(), 0.6f + random.nextFloat());
            }
            samples.add(new Sample(TestImages.photo(i), t));
        }
        return samples;
    }
}

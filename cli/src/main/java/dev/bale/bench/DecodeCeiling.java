package dev.bale.bench;

import dev.bale.container.Container;
import dev.bale.container.RawPixels;
import dev.bale.container.RecordReader;
import dev.bale.image.ImageHeader;
import dev.bale.loader.SampleDecoder;
import dev.bale.nativ.NativeDecoder;
import dev.bale.transform.Transform;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The ceiling a loader is measured against: how many images per second ONE thread turns into
 * transformed samples with the per-sample decode path alone — encoded bytes already in memory, one
 * reused output buffer, no container, no queue, no batch. W threads can at best do W times this.
 */
public final class DecodeCeiling {
    private static final long MAX_BYTES = 256L << 20;
    private DecodeCeiling() {
    }

    /**
     * Decodes the first {@code records} records (copied into memory first, at most 256 MB of them, so
     * that the ceiling sees the same images as the loader it is compared with) round and round for
     * about {@code seconds}, after one warm-up pass, and returns images per second.
     */
    public static double imagesPerSecond(Container container, Transform transform, int channels, int records,
                                         double seconds) {
        List<ByteBuffer> encoded = new ArrayList<>();
        List<RawPixels> raws = new ArrayList<>(); // null for encoded records; raw pixels skip the decode
        ImageHeader first = null;
        try (RecordReader reader = container.newReader()) {
            long copied = 0;
            for (int i = 0; i < Math.min(records, container.size()) && copied < MAX_BYTES; i++) {
                ByteBuffer bytes = reader.read(i);
                copied += bytes.remaining();
                RawPixels raw = reader.rawPixels();
                raws.add(raw);
                if (first == null) {
                    first = raw != null ? new ImageHeader(raw.width(), raw.height(), raw.channels())
                            : ImageHeader.probe(bytes).orElseThrow(() -> new IllegalArgumentException("not a JPEG or PNG"));
                }
                encoded.add(ByteBuffer.allocateDirect(bytes.remaining()).put(bytes).flip());
            }
        }
        if (first == null) {
            throw new IllegalArgumentException(container.path() + ": no records to measure");
        }
        NativeDecoder.setOpenCvThreads(1); // as the loader runs it
        int side = transform.mode() == Transform.Mode.NONE ? Math.max(first.width(), first.height()) : transform.crop();
        int outW = first.width();
        int outH = first.height();
        if (transform.mode() == Transform.Mode.PIPELINE) {
            int[] size = transform.pipeline().outputSize(first.width(), first.height());
            outW = size[0];
            outH = size[1];
            side = Math.max(outW, outH);
        }
        ByteBuffer out = ByteBuffer.allocateDirect(channels * side * side * transform.elementBytes());
        try (SampleDecoder decoder = new SampleDecoder(transform, 0, channels, outW, outH)) {
            long done = 0;
            long start = 0;
            for (int pass = 0; ; pass++) {
                if (pass == 1) {
                    start = System.nanoTime();
                }
                for (int i = 0; i < encoded.size(); i++) {
                    decoder.decode(encoded.get(i), raws.get(i), 0, i, out, 0);
                }
                if (pass > 0) {
                    done += encoded.size();
                    if (System.nanoTime() - start >= seconds * 1e9) {
                        return done / ((System.nanoTime() - start) / 1e9);
                    }
                }
            }
        }
    }
}

package dev.bale.bench;

import dev.bale.container.Container;
import dev.bale.container.RecordReader;
import dev.bale.image.ImageHeader;
import dev.bale.nativ.BaleNative;
import dev.bale.nativ.NativeDecoder;
import dev.bale.transform.Planner;
import dev.bale.transform.SamplePlan;
import dev.bale.transform.Transform;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The ceiling a loader is measured against: how many images per second ONE thread turns into
 * transformed samples with the native call alone — encoded bytes already in memory, one reused
 * output buffer, no container, no queue, no batch. W threads can at best do W times this.
 */
public final class DecodeCeiling {
    private DecodeCeiling() {
    }

    /**
     * Decodes the first {@code records} records (copied into memory first) round and round for about
     * {@code seconds}, after one warm-up pass, and returns images per second.
     */
    public static double imagesPerSecond(Container container, Transform transform, int channels, int records,
                                         double seconds) {
        List<ByteBuffer> encoded = new ArrayList<>();
        List<int[]> sizes = new ArrayList<>();
        try (RecordReader reader = container.newReader()) {
            for (int i = 0; i < Math.min(records, container.size()); i++) {
                ByteBuffer bytes = reader.read(i);
                ImageHeader header = ImageHeader.probe(bytes).orElseThrow(
                        () -> new IllegalArgumentException("record is not a JPEG or PNG"));
                encoded.add(ByteBuffer.allocateDirect(bytes.remaining()).put(bytes).flip());
                sizes.add(new int[] {header.width(), header.height()});
            }
        }
        NativeDecoder.setOpenCvThreads(1); // as the loader runs it
        Planner planner = new Planner(transform, 0);
        SamplePlan plan = new SamplePlan();
        try (NativeDecoder decoder = new NativeDecoder()) {
            BaleNative.TransformParams params = decoder.params();
            params.grayscale(channels == 1 ? 1 : 0).output(switch (transform.output()) {
                case FLOAT_CHW -> BaleNative.OUTPUT_FLOAT32_CHW;
                case UINT8_CHW -> BaleNative.OUTPUT_UINT8_CHW;
                case UINT8_HWC -> BaleNative.OUTPUT_UINT8_HWC;
            });
            float[] mean = transform.mean();
            float[] std = transform.std();
            for (int c = 0; c < 3; c++) {
                params.mean(c, mean[c]).std(c, std[c]);
            }
            ByteBuffer out = null;
            long done = 0;
            long start = 0;
            for (int pass = 0; ; pass++) {
                if (pass == 1) {
                    start = System.nanoTime();
                }
                for (int i = 0; i < encoded.size(); i++) {
                    int[] size = sizes.get(i);
                    ByteBuffer bytes = encoded.get(i);
                    planner.plan(size[0], size[1], (bytes.get(0) & 0xFF) == 0xFF, 0, i, plan);
                    params.reduce(plan.reduce).crop_x(plan.cropX).crop_y(plan.cropY).crop_w(plan.cropWidth)
                            .crop_h(plan.cropHeight).out_w(plan.outWidth).out_h(plan.outHeight).flip(plan.flip ? 1 : 0)
                            .brightness(plan.brightness).contrast(plan.contrast).saturation(plan.saturation);
                    if (out == null) {
                        out = ByteBuffer.allocateDirect((int) decoder.outputBytes());
                    }
                    decoder.decode(bytes, out, 0);
                    if (pass > 0) {
                        done++;
                    }
                }
                if (pass > 0 && System.nanoTime() - start >= seconds * 1e9) {
                    return done / ((System.nanoTime() - start) / 1e9);
                }
            }
        }
    }
}

package dev.bale.examples.classify;

import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.BatchNorm2dImpl;
import org.bytedeco.pytorch.BatchNormOptions;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Conv2dOptions;

/** The few layer shapes the example networks use, spelled once. */
final class Layers {
    private Layers() {
    }

    /** A k x k convolution with "same" padding for stride 1, no bias (a batch norm follows). */
    static Conv2dImpl conv(long in, long out, long k, long stride) {
        try (LongPointer kernel = new LongPointer(k, k);
             LongPointer strides = new LongPointer(stride, stride);
             LongPointer pad = new LongPointer(k / 2, k / 2)) {
            Conv2dOptions options = new Conv2dOptions(in, out, kernel);
            options.stride().put(strides);
            options.padding().put(pad);
            options.bias().put(false);
            return new Conv2dImpl(options);
        }
    }

    static BatchNorm2dImpl batchNorm(long channels) {
        return new BatchNorm2dImpl(new BatchNormOptions(channels));
    }
}

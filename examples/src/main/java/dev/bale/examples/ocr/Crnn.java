package dev.bale.examples.ocr;

import static org.bytedeco.pytorch.global.torch.max_pool2d;
import static org.bytedeco.pytorch.global.torch.relu;

import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.BatchNorm2dImpl;
import org.bytedeco.pytorch.BatchNormOptions;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Conv2dOptions;
import org.bytedeco.pytorch.LSTMImpl;
import org.bytedeco.pytorch.LSTMOptions;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * A small CRNN (Shi et al.): four 3x3 conv + batch-norm stages whose pools take a 32-pixel line
 * down to height 2 and its width by {@link #DOWNSAMPLING}; the column features (channels x 2 rows)
 * go through a bidirectional LSTM and a linear layer to one score per class (blank + charset) per
 * column.
 */
public final class Crnn extends Module {
    /** Input height the pools assume. */
    public static final int HEIGHT = 32;
    /** Columns of input per output time step. */
    public static final int DOWNSAMPLING = 4;

    private final Conv2dImpl[] convs = new Conv2dImpl[4];
    private final BatchNorm2dImpl[] norms = new BatchNorm2dImpl[4];
    private final LSTMImpl lstm;
    private final LinearImpl classifier;

    /** {@code width}: channels of the first stage (then 2x, 4x, 4x); {@code hidden}: LSTM units per direction. */
    public Crnn(int channels, int classes, int width, int hidden) {
        long[] widths = {width, 2L * width, 4L * width, 4L * width};
        long in = channels;
        for (int i = 0; i < 4; i++) {
            convs[i] = register_module("conv" + i, conv(in, widths[i]));
            norms[i] = register_module("bn" + i, new BatchNorm2dImpl(new BatchNormOptions(widths[i])));
            in = widths[i];
        }
        LSTMOptions options = new LSTMOptions(in * 2, hidden);
        options.bidirectional().put(true);
        lstm = register_module("lstm", new LSTMImpl(options));
        classifier = register_module("classifier", new LinearImpl(2L * hidden, classes));
    }

    /** Images [N, C, 32, W] in; unnormalized class scores [T, N, classes] out, T = W / 4. */
    public Tensor forward(Tensor x) {
        x = max_pool2d(stage(0, x), 2, 2);                 // 16 x W/2
        x = max_pool2d(stage(1, x), 2, 2);                 //  8 x W/4
        x = pool2x1(stage(2, x));                          //  4 x W/4
        x = pool2x1(stage(3, x));                          //  2 x W/4
        // [N, C, 2, T] -> [T, N, C * 2]: one feature vector per column, time first as the LSTM wants.
        Tensor columns = x.flatten(1, 2).permute(2, 0, 1).contiguous();
        Tensor sequence = lstm.forward(columns).get0();    // [T, N, 2 * hidden]
        return classifier.forward(sequence);
    }

    private Tensor stage(int i, Tensor x) {
        return relu(norms[i].forward(convs[i].forward(x)));
    }

    private static Tensor pool2x1(Tensor x) {
        return max_pool2d(x, new long[] {2, 1}, new long[] {2, 1}, new long[] {0, 0}, new long[] {1, 1}, false);
    }

    private static Conv2dImpl conv(long in, long out) {
        try (LongPointer kernel = new LongPointer(3L, 3L); LongPointer pad = new LongPointer(1L, 1L)) {
            Conv2dOptions options = new Conv2dOptions(in, out, kernel);
            options.padding().put(pad);
            options.bias().put(false);
            return new Conv2dImpl(options);
        }
    }
}

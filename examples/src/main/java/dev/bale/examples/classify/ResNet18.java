package dev.bale.examples.classify;

import static org.bytedeco.pytorch.global.torch.adaptive_avg_pool2d;
import static org.bytedeco.pytorch.global.torch.relu;

import org.bytedeco.pytorch.BatchNorm2dImpl;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * ResNet-18's shape: a stem, four stages of two basic blocks (3x3 conv + BN + ReLU twice, plus the
 * shortcut; a 1x1 strided projection where the shape changes), channels doubling from {@code width}
 * (64 in ResNet-18), global average pooling, one linear layer. For small images the stem is one 3x3
 * convolution with stride 1 and no max pool (as CIFAR ResNets do), so 28x28 ends at 4x4.
 */
public final class ResNet18 extends Net {
    private final Conv2dImpl stem;
    private final BatchNorm2dImpl stemBn;
    private final BasicBlock[] blocks = new BasicBlock[8];
    private final LinearImpl fc;

    public ResNet18(int channels, int classes, int width) {
        stem = register_module("stem", Layers.conv(channels, width, 3, 1));
        stemBn = register_module("stem_bn", Layers.batchNorm(width));
        int in = width;
        for (int stage = 0; stage < 4; stage++) {
            int out = width << stage;
            for (int b = 0; b < 2; b++) {
                int stride = stage > 0 && b == 0 ? 2 : 1;
                blocks[2 * stage + b] = register_module("layer" + (stage + 1) + "_" + b, new BasicBlock(in, out, stride));
                in = out;
            }
        }
        fc = register_module("fc", new LinearImpl(in, classes));
    }

    @Override
    public Tensor forward(Tensor x) {
        x = relu(stemBn.forward(stem.forward(x)));
        for (BasicBlock block : blocks) {
            x = block.forward(x);
        }
        return fc.forward(adaptive_avg_pool2d(x, 1, 1).flatten(1, -1));
    }

    /** Two 3x3 conv + BN, added to the input (or its 1x1 projection), then ReLU. */
    static final class BasicBlock extends Module {
        private final Conv2dImpl conv1;
        private final BatchNorm2dImpl bn1;
        private final Conv2dImpl conv2;
        private final BatchNorm2dImpl bn2;
        private final Conv2dImpl project;
        private final BatchNorm2dImpl projectBn;

        BasicBlock(int in, int out, int stride) {
            conv1 = register_module("conv1", Layers.conv(in, out, 3, stride));
            bn1 = register_module("bn1", Layers.batchNorm(out));
            conv2 = register_module("conv2", Layers.conv(out, out, 3, 1));
            bn2 = register_module("bn2", Layers.batchNorm(out));
            if (stride != 1 || in != out) {
                project = register_module("downsample_conv", Layers.conv(in, out, 1, stride));
                projectBn = register_module("downsample_bn", Layers.batchNorm(out));
            } else {
                project = null;
                projectBn = null;
            }
        }

        Tensor forward(Tensor x) {
            Tensor y = relu(bn1.forward(conv1.forward(x)));
            y = bn2.forward(conv2.forward(y));
            Tensor shortcut = project == null ? x : projectBn.forward(project.forward(x));
            return relu(y.add_(shortcut));
        }
    }
}

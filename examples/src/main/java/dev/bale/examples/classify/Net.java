package dev.bale.examples.classify;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/** A classifier: images [N, C, H, W] in, class scores [N, classes] out. */
public abstract class Net extends Module {
    public abstract Tensor forward(Tensor images);

    /** The network named on the command line, "cnn" or "resnet18", its first stage {@code width} channels wide. */
    public static Net named(String name, int channels, int classes, int width) {
        return switch (name) {
            case "cnn" -> new SmallCnn(channels, classes, width);
            case "resnet18" -> new ResNet18(channels, classes, width);
            default -> throw new IllegalArgumentException("--model must be cnn or resnet18, not '" + name + "'");
        };
    }
}

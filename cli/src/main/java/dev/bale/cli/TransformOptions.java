package dev.bale.cli;

import dev.bale.transform.TextLine;
import dev.bale.transform.Transform;
import dev.bale.transform.TransformSpec;
import java.util.Locale;
import picocli.CommandLine.Option;

/** The {@code --transform} options that {@code load}, {@code preview} and {@code bench} share. */
final class TransformOptions {
    @Option(names = "--transform", defaultValue = "eval", paramLabel = "SPEC",
            description = {"eval (resize + centre crop), train (random resized crop + flip), none (decode only), "
                    + "text (text lines: --height, --max-width, --pad), a pipeline such as "
                    + "\"resize=388x270,perspective=0.6:0.5,jitter=0.5:0:0:0.3\" (sizes are HxW), or @FILE.json. "
                    + "Ops: resize, centercrop, randomcrop, rrc, pad, hflip, vflip, rotation, affine, perspective, "
                    + "jitter, gray, randomgray, normalize, textline, output (see README). Default: ${DEFAULT-VALUE}."})
    String transform;

    @Option(names = "--crop", defaultValue = "224", description = "eval/train: output size (default: ${DEFAULT-VALUE}).")
    int crop;

    @Option(names = "--resize", defaultValue = "256", description = "eval: shorter side before the crop (default: ${DEFAULT-VALUE}).")
    int resize;

    @Option(names = "--height", defaultValue = "32", description = "text: line height (default: ${DEFAULT-VALUE}).")
    int height;

    @Option(names = "--max-width", defaultValue = "512", description = "text: widest line; wider ones are squeezed (default: ${DEFAULT-VALUE}).")
    int maxWidth;

    @Option(names = "--pad", defaultValue = "batch", paramLabel = "batch|max",
            description = "text: pad each batch to its widest line rounded up to 8 (batch), or always to --max-width (max). Default: ${DEFAULT-VALUE}.")
    String pad;

    @Option(names = "--pad-value", defaultValue = "0", description = "text: value of the padding, 0..255 (default: ${DEFAULT-VALUE}).")
    int padValue;

    @Option(names = "--gray", description = "One gray channel (default: as the data).")
    boolean gray;

    @Option(names = "--uint8", description = "uint8 CHW output, not normalized (normalize on the GPU).")
    boolean uint8;

    @Option(names = "--exact", description = "Never decode JPEGs at reduced scale, nor only their crop: full decode at full size.")
    boolean exact;

    Transform build() {
        TextLine.PadPolicy policy = switch (pad.toLowerCase(Locale.ROOT)) {
            case "batch" -> TextLine.PadPolicy.BATCH_MAX;
            case "max" -> TextLine.PadPolicy.MAX_WIDTH;
            default -> throw new IllegalArgumentException("--pad must be batch or max, not '" + pad + "'");
        };
        Transform t = switch (transform.trim().toLowerCase(Locale.ROOT)) {
            case "eval" -> Transform.eval(resize, crop);
            case "train" -> Transform.train(crop);
            case "text" -> Transform.textLine(height, maxWidth, padValue, policy);
            default -> TransformSpec.parse(transform);
        };
        if (t.mode() == Transform.Mode.PIPELINE && t.pipeline().textLine() != null) {
            t = t.withPadPolicy(policy);
        }
        t = t.withReducedDecode(!exact);
        if (uint8) {
            t = t.withOutput(Transform.Output.UINT8_CHW);
        }
        if (gray) {
            t = t.withChannels(Transform.Channels.GRAY);
        }
        return t;
    }

    /** A short name for reports: the preset, or the pipeline's ops. */
    static String describe(Transform t) {
        return t.mode() == Transform.Mode.PIPELINE ? t.pipeline().spec() : t.mode().name().toLowerCase(Locale.ROOT);
    }
}

package dev.bale.transform;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code --transform} grammar shared by {@code load}, {@code preview} and {@code bench}:
 *
 * <pre>
 * spec  := eval | train | none | text | op ("," op)* | "@" FILE.json
 * op    := name ["=" group (":" group)*]        positional, in the order of the names below
 * group := "-" | number (("x" | "..") number)*   "-" leaves the parameter at its default
 * </pre>
 *
 * Sizes are height x width, as torchvision's (h, w): {@code resize=388x270} is 388 high and 270
 * wide. Ops and their parameters (torchvision's names; see each op's class for its sampling):
 * <pre>
 * resize=H[xW]                       Resize: one number = the shorter side
 * centercrop=H[xW]                   CenterCrop
 * randomcrop=H[xW]:padding:fill      RandomCrop (pad_if_needed)
 * rrc=H[xW]:scale:ratio              RandomResizedCrop, e.g. rrc=224:0.08..1:0.75..1.333
 * pad=padding:fill                   Pad: 1, 2 (left/right x top/bottom) or 4 (l x t x r x b) numbers
 * hflip=p   vflip=p                  RandomHorizontalFlip, RandomVerticalFlip
 * rotation=degrees:fill              RandomRotation: d = [-d, d], or a..b
 * affine=degrees:translate:scale:shear:fill   RandomAffine, e.g. affine=10:0.1x0.1:0.9..1.1:-5..5
 * perspective=distortion_scale:p:fill         RandomPerspective
 * jitter=brightness:contrast:saturation:hue   ColorJitter
 * gray=1|3   randomgray=p            Grayscale, RandomGrayscale
 * normalize=imagenet | MEANxMEANxMEAN:STDxSTDxSTD    Normalize
 * textline=height:max_width:pad      TextLine (see Transform.textLine)
 * output=float|uint8|uint8hwc        the batch's element type and layout
 * </pre>
 * A JSON file holds either that string or an array of objects, one per op:
 * {@code [{"op": "resize", "size": [388, 270]}, {"op": "perspective", "distortion_scale": 0.6, "p": 0.5}]}.
 */
public final class TransformSpec {
    private static final Map<String, String[]> PARAMS = new LinkedHashMap<>();

    static {
        PARAMS.put("resize", new String[] {"size"});
        PARAMS.put("centercrop", new String[] {"size"});
        PARAMS.put("randomcrop", new String[] {"size", "padding", "fill"});
        PARAMS.put("rrc", new String[] {"size", "scale", "ratio"});
        PARAMS.put("pad", new String[] {"padding", "fill"});
        PARAMS.put("hflip", new String[] {"p"});
        PARAMS.put("vflip", new String[] {"p"});
        PARAMS.put("rotation", new String[] {"degrees", "fill"});
        PARAMS.put("affine", new String[] {"degrees", "translate", "scale", "shear", "fill"});
        PARAMS.put("perspective", new String[] {"distortion_scale", "p", "fill"});
        PARAMS.put("jitter", new String[] {"brightness", "contrast", "saturation", "hue"});
        PARAMS.put("gray", new String[] {"num_output_channels"});
        PARAMS.put("randomgray", new String[] {"p"});
        PARAMS.put("normalize", new String[] {"mean", "std"});
        PARAMS.put("textline", new String[] {"height", "max_width", "pad"});
        PARAMS.put("output", new String[] {"layout"});
    }

    private TransformSpec() {
    }

    /** The names of the ops the grammar knows. */
    public static List<String> opNames() {
        return List.copyOf(PARAMS.keySet());
    }

    /**
     * Parses a spec. Presets: {@code eval} = {@link Transform#eval()}, {@code train} = {@link Transform#train()},
     * {@code none}, {@code text} = {@link Transform#textLine(int)} with height 32.
     *
     * @throws IllegalArgumentException naming the op and what is wrong with it
     */
    public static Transform parse(String spec) {
        String s = spec.trim();
        if (s.startsWith("@")) {
            return parseFile(Path.of(s.substring(1)));
        }
        switch (s.toLowerCase(Locale.ROOT)) {
            case "eval" -> {
                return Transform.eval();
            }
            case "train" -> {
                return Transform.train();
            }
            case "none" -> {
                return Transform.none();
            }
            case "text" -> {
                return Transform.textLine(32);
            }
            default -> {
            }
        }
        List<Op> ops = new ArrayList<>();
        Transform.Output output = Transform.Output.FLOAT_CHW;
        for (String part : s.split(",")) {
            String text = part.trim();
            if (text.isEmpty()) {
                throw new IllegalArgumentException("empty op in transform '" + spec + "'");
            }
            int eq = text.indexOf('=');
            String name = (eq < 0 ? text : text.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
            List<String> groups = eq < 0 ? List.of() : List.of(text.substring(eq + 1).split(":", -1));
            if (name.equals("output")) {
                output = output(groups.isEmpty() ? "" : groups.get(0), text);
                continue;
            }
            ops.add(op(name, groups, text));
        }
        return finish(ops, output);
    }

    private static Transform finish(List<Op> ops, Transform.Output output) {
        if (ops.isEmpty()) {
            throw new IllegalArgumentException("a transform needs at least one op besides output");
        }
        return Transform.compose(ops, TextLine.PadPolicy.BATCH_MAX).withOutput(output);
    }

    private static Transform.Output output(String value, String text) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "float" -> Transform.Output.FLOAT_CHW;
            case "uint8" -> Transform.Output.UINT8_CHW;
            case "uint8hwc" -> Transform.Output.UINT8_HWC;
            default -> throw new IllegalArgumentException(text + ": output must be float, uint8 or uint8hwc");
        };
    }

    /** A JSON file: a string in the grammar, or an array of {"op": name, param: value, ...}. */
    static Transform parseFile(Path file) {
        String json;
        try {
            json = Files.readString(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read transform file " + file + ": " + e.getMessage(), e);
        }
        try {
            JsonElement root = JsonParser.parseString(json);
            if (root.isJsonPrimitive()) {
                return parse(root.getAsString());
            }
            JsonArray array = root.isJsonObject() && root.getAsJsonObject().has("ops")
                    ? root.getAsJsonObject().getAsJsonArray("ops") : root.getAsJsonArray();
            List<Op> ops = new ArrayList<>();
            Transform.Output output = Transform.Output.FLOAT_CHW;
            for (int i = 0; i < array.size(); i++) {
                JsonObject o = array.get(i).getAsJsonObject();
                String where = file + ": op " + i;
                if (!o.has("op")) {
                    throw new IllegalArgumentException(where + " has no \"op\"");
                }
                String name = o.get("op").getAsString().toLowerCase(Locale.ROOT);
                String[] names = PARAMS.get(name);
                if (names == null) {
                    throw new IllegalArgumentException(where + ": unknown op '" + name + "'; known: " + PARAMS.keySet());
                }
                for (String key : o.keySet()) {
                    if (!key.equals("op") && !List.of(names).contains(key)) {
                        throw new IllegalArgumentException(where + " (" + name + "): unknown parameter '" + key
                                + "'; it takes " + String.join(", ", names));
                    }
                }
                List<String> groups = new ArrayList<>();
                for (String n : names) {
                    groups.add(group(o.get(n)));
                }
                if (name.equals("output")) {
                    output = output(groups.get(0), where);
                } else {
                    ops.add(op(name, groups, where + " (" + name + ")"));
                }
            }
            return finish(ops, output);
        } catch (RuntimeException e) {
            if (e instanceof IllegalArgumentException) {
                throw e;
            }
            throw new IllegalArgumentException(file + ": not a transform (a string, or an array of ops): "
                    + e.getMessage(), e);
        }
    }

    private static String group(JsonElement e) {
        if (e == null || e.isJsonNull()) {
            return "-";
        }
        if (e.isJsonArray()) {
            StringBuilder b = new StringBuilder();
            for (JsonElement v : e.getAsJsonArray()) {
                b.append(b.length() > 0 ? "x" : "").append(v.getAsString());
            }
            return b.toString();
        }
        return e.getAsString();
    }

    private static Op op(String name, List<String> groups, String text) {
        String[] names = PARAMS.get(name.equals("randomresizedcrop") ? "rrc" : name);
        if (names == null) {
            throw new IllegalArgumentException("unknown op '" + name + "' in '" + text + "'; known: " + PARAMS.keySet());
        }
        if (groups.size() > names.length) {
            throw new IllegalArgumentException(text + ": " + name + " takes at most " + names.length + " parameters ("
                    + String.join(":", names) + ")");
        }
        Args a = new Args(groups, names, text);
        try {
            return switch (names == PARAMS.get("rrc") ? "rrc" : name) {
                case "resize" -> {
                    double[] size = a.required(0);
                    yield size.length == 1 ? Resize.shorter(a.toInt(size[0])) : Resize.to(a.toInt(size[0]), a.toInt(size[1]));
                }
                case "centercrop" -> {
                    int[] hw = a.size(0);
                    yield CenterCrop.of(hw[0], hw[1]);
                }
                case "randomcrop" -> {
                    int[] hw = a.size(0);
                    yield RandomCrop.of(hw[0], hw[1], a.toInt(a.number(1, 0)), a.toInt(a.number(2, 0)));
                }
                case "rrc" -> {
                    int[] hw = a.size(0);
                    double[] scale = a.pair(1, 0.08, 1);
                    double[] ratio = a.pair(2, 3.0 / 4, 4.0 / 3);
                    yield RandomResizedCrop.of(hw[0], hw[1], scale[0], scale[1], ratio[0], ratio[1]);
                }
                case "pad" -> {
                    double[] p = a.required(0);
                    int fill = a.toInt(a.number(1, 0));
                    yield switch (p.length) {
                        case 1 -> Pad.of(a.toInt(p[0]), a.toInt(p[0]), a.toInt(p[0]), a.toInt(p[0]), fill);
                        case 2 -> Pad.of(a.toInt(p[0]), a.toInt(p[1]), a.toInt(p[0]), a.toInt(p[1]), fill);
                        case 4 -> Pad.of(a.toInt(p[0]), a.toInt(p[1]), a.toInt(p[2]), a.toInt(p[3]), fill);
                        default -> throw new IllegalArgumentException("padding takes 1, 2 or 4 numbers");
                    };
                }
                case "hflip" -> RandomHorizontalFlip.of(a.number(0, 0.5));
                case "vflip" -> RandomVerticalFlip.of(a.number(0, 0.5));
                case "rotation" -> {
                    double[] d = a.symmetric(0, true);
                    yield RandomRotation.of(d[0], d[1], a.toInt(a.number(1, 0)));
                }
                case "affine" -> {
                    double[] d = a.symmetric(0, true);
                    double[] translate = a.optional(1);
                    double[] scale = a.optional(2);
                    double[] shear = a.optional(3);
                    if (shear != null && shear.length == 1) {
                        shear = new double[] {-Math.abs(shear[0]), Math.abs(shear[0])};
                    }
                    if (translate != null && translate.length == 1) {
                        translate = new double[] {translate[0], translate[0]};
                    }
                    yield RandomAffine.of(d[0], d[1], translate, scale, shear, a.toInt(a.number(4, 0)));
                }
                case "perspective" -> RandomPerspective.of(a.number(0, 0.5), a.number(1, 0.5), a.toInt(a.number(2, 0)));
                case "jitter" -> ColorJitter.of(a.number(0, 0), a.number(1, 0), a.number(2, 0), a.number(3, 0));
                case "gray" -> Grayscale.of(a.toInt(a.number(0, 1)));
                case "randomgray" -> Grayscale.random(a.number(0, 0.1));
                case "normalize" -> {
                    if (groups.size() == 1 && groups.get(0).trim().equalsIgnoreCase("imagenet")) {
                        yield Normalize.imagenet();
                    }
                    yield Normalize.of(a.floats3(0), a.floats3(1));
                }
                case "textline" -> TextLine.of(a.toInt(a.required(0)[0]), a.toInt(a.number(1, 512)),
                        a.toInt(a.number(2, 0)));
                default -> throw new IllegalArgumentException("unknown op '" + name + "'");
            };
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(text)) {
                throw e;
            }
            throw new IllegalArgumentException(text + ": " + e.getMessage(), e);
        }
    }

    /** An op's positional parameter groups. */
    private record Args(List<String> groups, String[] names, String text) {
        double[] optional(int i) {
            if (i >= groups.size()) {
                return null;
            }
            String g = groups.get(i).trim();
            if (g.isEmpty() || g.equals("-")) {
                return null;
            }
            String[] parts = g.split("x|\\.\\.(?=[-+0-9.])", -1);
            double[] v = new double[parts.length];
            for (int k = 0; k < parts.length; k++) {
                try {
                    v[k] = Double.parseDouble(parts[k].trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(names[i] + " must be numbers, got '" + g + "'");
                }
                if (!Double.isFinite(v[k])) {
                    throw new IllegalArgumentException(names[i] + " must be finite, got '" + g + "'");
                }
            }
            return v;
        }

        double[] required(int i) {
            double[] v = optional(i);
            if (v == null) {
                throw new IllegalArgumentException("needs " + names[i]);
            }
            return v;
        }

        double number(int i, double fallback) {
            double[] v = optional(i);
            if (v == null) {
                return fallback;
            }
            if (v.length != 1) {
                throw new IllegalArgumentException(names[i] + " is one number");
            }
            return v[0];
        }

        int[] size(int i) {
            double[] v = required(i);
            if (v.length > 2) {
                throw new IllegalArgumentException(names[i] + " is H or HxW");
            }
            return new int[] {toInt(v[0]), toInt(v[v.length - 1])};
        }

        double[] pair(int i, double lo, double hi) {
            double[] v = optional(i);
            if (v == null) {
                return new double[] {lo, hi};
            }
            if (v.length != 2) {
                throw new IllegalArgumentException(names[i] + " is a range a..b");
            }
            return v;
        }

        /** d means [-d, d]; a..b is itself. */
        double[] symmetric(int i, boolean required) {
            double[] v = required ? required(i) : optional(i);
            if (v.length == 1) {
                return new double[] {-Math.abs(v[0]), Math.abs(v[0])};
            }
            if (v.length != 2) {
                throw new IllegalArgumentException(names[i] + " is d or a..b");
            }
            return v;
        }

        float[] floats3(int i) {
            double[] v = required(i);
            if (v.length != 3) {
                throw new IllegalArgumentException(names[i] + " needs 3 numbers (AxBxC)");
            }
            return new float[] {(float) v[0], (float) v[1], (float) v[2]};
        }

        int toInt(double v) {
            if (v != Math.rint(v) || Math.abs(v) > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("expected a whole number, got " + v);
            }
            return (int) v;
        }
    }
}

package dev.bale.spark;

import dev.bale.container.Layout;
import dev.bale.dataset.ShardPlan;
import dev.bale.pack.PackOptions;
import java.util.Locale;

/** {@link PackJob#main}'s command line: the same words as {@code bale pack}. */
record JobArguments(String source, String list, String output, PackOptions options, int shards, long shardBytes) {

    static final String USAGE = "usage: spark-submit --class dev.bale.spark.PackJob JAR SOURCE OUT --format bin|lmdb|sqlite|tfrecord\n"
            + "       (--shards N | --shard-size SIZE) [--list FILE] [--threads T] [--on-bad fail|skip] [--force]\n"
            + "  SOURCE: a folder of class folders; or the root the paths of --list FILE are relative to;\n"
            + "          or a list file itself (its paths relative to its folder). Any Hadoop filesystem URI.";

    static JobArguments parse(String[] args) {
        String source = null;
        String output = null;
        String list = null;
        Layout layout = null;
        Integer shards = null;
        String shardSize = null;
        int threads = 8;
        PackOptions.OnBad onBad = PackOptions.OnBad.FAIL;
        boolean force = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--format" -> layout = Layout.parse(value(args, ++i, arg));
                case "--shards" -> shards = integer(value(args, ++i, arg), arg);
                case "--shard-size" -> shardSize = value(args, ++i, arg);
                case "--list" -> list = value(args, ++i, arg);
                case "--threads" -> threads = integer(value(args, ++i, arg), arg);
                case "--on-bad" -> onBad = switch (value(args, ++i, arg).toLowerCase(Locale.ROOT)) {
                    case "fail" -> PackOptions.OnBad.FAIL;
                    case "skip" -> PackOptions.OnBad.SKIP;
                    default -> throw new IllegalArgumentException("--on-bad must be fail or skip, not '" + args[i] + "'");
                };
                case "--force" -> force = true;
                default -> {
                    if (arg.startsWith("--")) {
                        throw new IllegalArgumentException("unknown option " + arg);
                    }
                    if (source == null) {
                        source = arg;
                    } else if (output == null) {
                        output = arg;
                    } else {
                        throw new IllegalArgumentException("unexpected argument " + arg);
                    }
                }
            }
        }
        if (source == null || output == null) {
            throw new IllegalArgumentException("give SOURCE and OUT");
        }
        if (layout == null) {
            throw new IllegalArgumentException("--format is required");
        }
        if ((shards == null) == (shardSize == null)) {
            throw new IllegalArgumentException("give --shards N or --shard-size SIZE (one of them)");
        }
        if (shards != null && shards < 1) {
            throw new IllegalArgumentException("--shards must be at least 1");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1");
        }
        return new JobArguments(source, list, output, new PackOptions(layout, threads, false, onBad, force),
                shards == null ? 0 : shards, shardSize == null ? 0 : ShardPlan.parseSize(shardSize));
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static int integer(String text, String option) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a whole number, not '" + text + "'");
        }
    }
}

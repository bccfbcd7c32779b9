package dev.bale.spark;

import dev.bale.container.Layout;
import dev.bale.dataset.DatasetManifest;
import dev.bale.dataset.ShardPlan;
import dev.bale.pack.BadRecordException;
import dev.bale.pack.PackListener;
import dev.bale.pack.PackOptions;
import dev.bale.pack.PackResult;
import dev.bale.pack.ShardedPacker;
import dev.bale.source.BadSourceException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Packs a sharded dataset with Spark: the driver lists the source and plans the shards with
 * {@link ShardedPacker#plan}; each task packs one shard's contiguous range with
 * {@link ShardedPacker#writeShard} in local temp space and commits it into OUT on any Hadoop
 * filesystem ({@link ShardCommitter}); the driver checks every shard is in place and writes
 * dataset.json last. The shards are byte-identical to what {@code bale pack --shards N} writes on
 * one machine for the same source and plan. A failed job leaves no dataset.json (and removes what
 * it wrote).
 *
 * <pre>
 * spark-submit --class dev.bale.spark.PackJob bale-spark-job.jar SOURCE OUT --format F --shards N
 *     [--list FILE] [--shard-size SIZE] [--threads T] [--on-bad fail|skip] [--force]
 * </pre>
 */
public final class PackJob {
    /** Beside OUT, as for {@code bale pack}: the records {@code --on-bad skip} left out. */
    public static final String SKIPPED_SUFFIX = ".skipped.txt";

    private PackJob() {
    }

    /**
     * Packs a folder of class folders ({@code list} null) or the files a list file names, relative to
     * {@code source}; every path may be on any Hadoop filesystem. Exactly one of {@code shards} and
     * {@code shardBytes} is positive. Progress goes to {@code listener}; {@code PackListener.NONE}
     * prints it to stderr instead.
     */
    public static PackResult pack(SparkSession spark, String source, String list, String output, PackOptions options,
                                  int shards, long shardBytes, PackListener listener) throws IOException {
        checkable(spark, options);
        HadoopConf conf = new HadoopConf(spark.sparkContext().hadoopConfiguration());
        long started = System.nanoTime();
        Output out = Output.prepare(output, options.force(), conf);
        HadoopInput listed;
        if (list != null) {
            listed = SourceListing.list(list, source, conf);
        } else if (SourceListing.isFile(source, conf)) {
            listed = SourceListing.list(source, new Path(source).getParent().toString(), conf); // SOURCE is the list
        } else {
            listed = SourceListing.folder(source, conf);
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        HadoopInput input = shardBytes > 0 && listed.sizesUnknown() ? listed.withSizes(jsc) : listed;
        ShardPlan plan = ShardedPacker.plan(input, shards, shardBytes);
        JobSettings settings = JobSettings.of(options);
        Function<ShardWriter.Counters, JavaRDD<ShardOutcome>> job = counters -> {
            // One partition per shard, each carrying only its own records.
            List<ShardTask> tasks = new ArrayList<>();
            for (int s = 0; s < plan.shards(); s++) {
                tasks.add(new ShardTask(s, input.slice(plan.from(s), plan.to(s))));
            }
            ArrayList<String> classes = new ArrayList<>(input.classes());
            String target = out.work.toString();
            return jsc.parallelize(tasks, tasks.size()).map(task -> ShardWriter.write(task.input().withClasses(classes),
                    plan, task.shard(), settings, target, conf, counters));
        };
        return run(spark, out, options.layout(), input.classes(), plan, job, listener, started);
    }

    /**
     * Repacks a DataFrame: {@code key} (string), {@code bytes} (binary), and {@code label} (string)
     * and/or {@code class_id} (int); records in {@code index} order when that column exists (as
     * {@code spark.read.format("bale")} gives it), else in the DataFrame's order. The class list is
     * the original dataset's when {@code class_id} carries it (the bale reader's metadata, kept by
     * select and filter), else made from the labels as {@code bale pack} makes it from a list file.
     */
    public static PackResult pack(SparkSession spark, Dataset<Row> records, String output, PackOptions options,
                                  int shards, long shardBytes, PackListener listener) throws IOException {
        checkable(spark, options);
        HadoopConf conf = new HadoopConf(spark.sparkContext().hadoopConfiguration());
        long started = System.nanoTime();
        Output out = Output.prepare(output, options.force(), conf);
        FramePack frame = FramePack.plan(records, shards, shardBytes);
        JobSettings settings = JobSettings.of(options);
        try {
            return run(spark, out, options.layout(), frame.classes(), frame.plan(),
                    counters -> frame.job(settings, out.work.toString(), conf, counters), listener, started);
        } finally {
            frame.release();
        }
    }

    private static PackResult run(SparkSession spark, Output out, Layout layout, List<String> classes, ShardPlan plan,
                                  Function<ShardWriter.Counters, JavaRDD<ShardOutcome>> job, PackListener listener,
                                  long started) throws IOException {
        var sc = spark.sparkContext();
        ShardWriter.Counters counters = new ShardWriter.Counters(sc.longAccumulator("bale records"),
                sc.longAccumulator("bale bytes"), sc.longAccumulator("bale shards"));
        JobProgress progress = new JobProgress(counters, plan.records(), plan.shards(), listener,
                listener == PackListener.NONE ? System.err : null);
        boolean done = false;
        try {
            out.create();
            listener.started(plan.records());
            sc.addSparkListener(progress);
            List<ShardOutcome> outcomes;
            try {
                outcomes = new ArrayList<>(job.apply(counters).collect());
            } catch (Exception e) { // SparkException, undeclared: Scala throws checked exceptions freely
                throw unwrap(e);
            } finally {
                sc.removeSparkListener(progress);
            }
            outcomes.sort(Comparator.comparingInt(o -> o.shard));
            List<ShardedPacker.ShardResult> shards = new ArrayList<>();
            List<BadRecordException> skipped = new ArrayList<>();
            long inputBytes = 0;
            for (ShardOutcome outcome : outcomes) {
                if (!ShardCommitter.complete(out.fs, out.work, outcome.entry(), null)) {
                    throw new IOException(new Path(out.work, outcome.path) + ": shard missing or incomplete after the job");
                }
                shards.add(outcome.result());
                skipped.addAll(outcome.skipped);
                inputBytes += outcome.inputBytes;
            }
            if (shards.size() != plan.shards()) {
                throw new IOException(out.path + ": the job returned " + shards.size() + " of " + plan.shards() + " shards");
            }
            skipped.sort(Comparator.comparingInt(BadRecordException::index));
            DatasetManifest manifest = ShardedPacker.manifest(layout, classes, shards);
            String report = out.writeReport(skipped);
            out.writeManifest(manifest);
            out.fs.delete(new Path(out.work, ShardCommitter.STAGING), true);
            out.replaceOld();
            done = true;
            listener.finished();
            double seconds = (System.nanoTime() - started) / 1e9;
            if (listener == PackListener.NONE) {
                System.err.println(progress.line(plan.shards(), plan.records(), inputBytes, seconds));
            }
            return new PackResult(shown(out.path), (int) manifest.records(), List.copyOf(skipped),
                    report == null ? null : shown(new Path(report)), inputBytes, manifest.bytes(), seconds);
        } finally {
            if (!done) {
                out.abandon();
            }
        }
    }

    /** A result's path as the command line shows it: a plain path for a local file, else the URI. */
    private static java.nio.file.Path shown(Path path) {
        return java.nio.file.Path.of("file".equals(path.toUri().getScheme()) ? path.toUri().getPath() : path.toString());
    }

    /**
     * {@code --check} decodes every image with OpenCV, which the job jar does not ship (it stays lean):
     * it works only where the tasks run in this JVM and OpenCV is on its class path (bale pack --engine spark).
     */
    private static void checkable(SparkSession spark, PackOptions options) {
        if (!options.check()) {
            return;
        }
        boolean openCv;
        try {
            Class.forName("org.bytedeco.opencv.global.opencv_imgcodecs", false, PackJob.class.getClassLoader());
            openCv = true;
        } catch (ClassNotFoundException e) {
            openCv = false;
        }
        if (!spark.sparkContext().isLocal() || !openCv) {
            throw new IllegalArgumentException("--check decodes with OpenCV, which the Spark job does not ship: "
                    + "check with a one-machine pack, or run the job with a local master from bale pack");
        }
    }

    /** One task: a shard and its records. */
    private record ShardTask(int shard, HadoopInput input) implements java.io.Serializable {
    }

    /** The task's own error (a bad record names its list line and path) rather than Spark's wrapper. */
    private static IOException unwrap(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BadRecordException bad) {
                throw new BadRecordException(bad.index(), bad.getMessage().substring(0,
                        bad.getMessage().length() - bad.reason().length() - 2), bad.reason());
            }
            if (t instanceof BadSourceException bad) {
                throw new BadSourceException(bad.getMessage());
            }
        }
        if (e instanceof IOException io) {
            return io;
        }
        return new IOException("the Spark pack job failed: " + e.getMessage(), e);
    }

    /**
     * The output folder: refused when it exists (unless forced), removed again when the job fails.
     * A forced job writes beside the old dataset ({@link #work}) and swaps it in only once complete,
     * so that a failed job leaves the old dataset as it was, as a one-machine pack does.
     */
    static final class Output {
        final Path path;
        final FileSystem fs;
        /** Where the tasks commit shards and dataset.json is written: OUT itself, or a sibling when OUT is replaced. */
        final Path work;
        private final boolean replacing;
        private final Path report;

        private Output(Path path, FileSystem fs, boolean replacing) {
            this.path = path;
            this.fs = fs;
            this.replacing = replacing;
            this.work = replacing ? sibling("new") : path;
            this.report = new Path(path.getParent(), path.getName() + SKIPPED_SUFFIX);
        }

        private Path sibling(String what) {
            return new Path(path.getParent(), "." + path.getName() + ".bale-" + what);
        }

        static Output prepare(String output, boolean force, HadoopConf conf) throws IOException {
            Path path = new Path(output);
            FileSystem fs = conf.fileSystem(path);
            path = fs.makeQualified(path);
            if (path.getParent() == null) {
                throw new IOException(output + ": the output must be a folder below the filesystem's root");
            }
            boolean exists = fs.exists(path);
            if (exists) {
                if (!force) {
                    throw new java.nio.file.FileAlreadyExistsException(output, null, "output exists (use --force to replace it)");
                }
                if (fs.getFileStatus(path).isDirectory() && !fs.exists(new Path(path, DatasetManifest.FILE_NAME))
                        && fs.listStatus(path).length > 0) {
                    throw new IOException(output + ": exists and is not a Bale dataset (no dataset.json); "
                            + "not replacing it, even with --force");
                }
            }
            return new Output(path, fs, exists);
        }

        /** Creates the folder the tasks write to (a leftover of an earlier forced job that died is removed first). */
        void create() throws IOException {
            if (replacing) {
                fs.delete(work, true);
            }
            if (!fs.mkdirs(work)) {
                throw new IOException(work + ": cannot create the output folder");
            }
        }

        /**
         * A forced job's last step: the old dataset moves aside, the new one into its place, the old one
         * is deleted. (A rename is atomic on HDFS; on S3A it is a copy of the new dataset.)
         */
        void replaceOld() throws IOException {
            if (!replacing) {
                return;
            }
            Path old = sibling("old");
            fs.delete(old, true);
            if (!fs.rename(path, old)) {
                throw new IOException(path + ": cannot move the old dataset aside to " + old
                        + "; the new one is complete in " + work);
            }
            if (!fs.rename(work, path)) {
                fs.rename(old, path);
                throw new IOException(path + ": cannot move the new dataset into place from " + work);
            }
            fs.delete(old, true);
        }

        String writeReport(List<BadRecordException> skipped) throws IOException {
            if (skipped.isEmpty()) {
                fs.delete(report, false);
                return null;
            }
            StringBuilder text = new StringBuilder();
            for (BadRecordException bad : skipped) {
                text.append(bad.getMessage()).append('\n');
            }
            write(report, text.toString());
            return report.toString();
        }

        void writeManifest(DatasetManifest manifest) throws IOException {
            Path temp = new Path(work, "." + DatasetManifest.FILE_NAME + ".partial");
            write(temp, manifest.toJson());
            Path target = new Path(work, DatasetManifest.FILE_NAME);
            if (!fs.rename(temp, target)) {
                throw new IOException(target + ": cannot rename " + temp + " into place");
            }
        }

        private void write(Path file, String text) throws IOException {
            try (OutputStream stream = fs.create(file, true)) {
                stream.write(text.getBytes(StandardCharsets.UTF_8));
            }
        }

        /** After a failure: nothing of this job stays, and certainly no dataset.json; a replaced dataset is untouched. */
        void abandon() {
            try {
                fs.delete(new Path(work, DatasetManifest.FILE_NAME), false);
                fs.delete(work, true);
            } catch (IOException e) {
                System.err.println("bale pack: could not remove " + work + " after the failure: " + e.getMessage());
            }
        }
    }

    /** {@code spark-submit --class dev.bale.spark.PackJob JAR SOURCE OUT --format F --shards N ...}. */
    public static void main(String[] args) throws Exception {
        JobArguments parsed;
        try {
            parsed = JobArguments.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("bale pack job: " + e.getMessage());
            System.err.println(JobArguments.USAGE);
            System.exit(2);
            return;
        }
        SparkSession spark = SparkSession.builder().appName("bale pack " + parsed.output()).getOrCreate();
        int status = 0;
        try {
            PackResult result = pack(spark, parsed.source(), parsed.list(), parsed.output(), parsed.options(),
                    parsed.shards(), parsed.shardBytes(), PackListener.NONE);
            System.out.println(summary(result));
        } catch (BadRecordException | BadSourceException | FileNotFoundException
                 | java.nio.file.FileAlreadyExistsException e) {
            System.err.println("bale pack job: " + e.getMessage());
            status = 1;
        } finally {
            spark.stop();
        }
        System.exit(status);
    }

    static String summary(PackResult result) {
        StringBuilder text = new StringBuilder(String.format(
                "packed %,d records into %s in %.2f s: %.1f records/s, %.1f MB/s; data %,d bytes, on disk %,d bytes",
                result.records(), result.output(), result.seconds(), result.records() / Math.max(result.seconds(), 1e-9),
                result.megabytesPerSecond(), result.inputBytes(), result.bytesOnDisk()));
        if (!result.skipped().isEmpty()) {
            text.append(String.format("%nskipped %d bad records (listed in %s)", result.skipped().size(), result.report()));
        }
        return text.toString();
    }
}

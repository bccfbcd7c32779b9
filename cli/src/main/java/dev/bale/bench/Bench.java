package dev.bale.bench;

import dev.bale.bench.BenchResult.DatasetResult;
import dev.bale.bench.BenchResult.LayoutResult;
import dev.bale.container.Container;
import dev.bale.container.Containers;
import dev.bale.container.Layout;
import dev.bale.synthetic.SyntheticDataset;
import dev.bale.loader.Batch;
import dev.bale.loader.DataLoader;
import dev.bale.pack.PackListener;
import dev.bale.pack.PackOptions;
import dev.bale.pack.PackResult;
import dev.bale.pack.Packer;
import dev.bale.pack.SourceInput;
import dev.bale.source.Source;
import dev.bale.source.SourceEntry;
import dev.bale.transform.Transform;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The format comparison, measured in one run: for each dataset, every layout's storage, pack time
 * and raw reads, the loader against its one-thread ceiling, PyTorch's DataLoader beside it, and a
 * pixel-exact check of what the loader delivers.
 */
public final class Bench {
    private final BenchOptions options;
    private final PrintStream log;
    private final Function<String, PackListener> progress;
    private final Peer peer;

    public Bench(BenchOptions options, Path benchDir, PrintStream log, Function<String, PackListener> progress) {
        this.options = options;
        this.log = log;
        this.progress = progress;
        this.peer = new Peer(benchDir);
    }

    public BenchResult run() throws IOException, InterruptedException {
        Files.createDirectories(options.out().resolve("data"));
        String peerAbsent = options.peer() ? peer.prepare() : "not asked for (--no-peer)";
        if (peerAbsent != null) {
            log.println("peer: absent (" + peerAbsent + ")");
        }
        List<DatasetResult> datasets = new ArrayList<>();
        if (options.source() != null) {
            Source source = options.list() != null ? Source.list(options.list(), options.source()) : Source.folder(options.source());
            Transform transform = options.transform() != null ? options.transform() : Transform.eval();
            // The peer knows torchvision's eval preset and plain decoding only.
            String userPeer = peerAbsent != null || transform.mode() == Transform.Mode.EVAL
                    || transform.mode() == Transform.Mode.NONE ? peerAbsent
                    : "the peer runs the eval preset or plain decoding only, not " + transform.mode().name().toLowerCase();
            datasets.add(dataset("user", "your data: " + options.source(), source, 64, transform, userPeer));
        } else {
            int photos = options.quick() ? 400 : 3000;
            int tiny = options.quick() ? 10_000 : 60_000;
            datasets.add(dataset("photos", photos + " photo-like 500x375 JPEGs (quality 90)",
                    generate("photos", SyntheticDataset.Spec.photos(photos, 500, 375)), 64, Transform.eval(), peerAbsent));
            // RGB like ImageFolder's loader and the peer's OpenCV path, so that both make the same tensors.
            datasets.add(dataset("tiny", tiny + " 28x28 grayscale PNGs (decoded to RGB, as ImageFolder does)",
                    generate("tiny", SyntheticDataset.Spec.tiny(tiny)), 256,
                    Transform.none().withChannels(Transform.Channels.RGB), peerAbsent));
        }
        return new BenchResult(LocalDate.now().toString(), Machine.describe(), options.workers(), options.quick(), datasets);
    }

    private Source generate(String name, SyntheticDataset.Spec spec) throws IOException {
        Path root = options.out().resolve("data").resolve(name);
        if (!Files.isDirectory(root) || Source.folder(root).size() != spec.images()) {
            if (Files.exists(root)) {
                deleteTree(root);
            }
            PackListener listener = progress.apply("generate " + name);
            listener.started(spec.images());
            SyntheticDataset.write(spec, root, options.workers(), done -> listener.progressed(done, 0));
            listener.finished();
        }
        return Source.folder(root);
    }

    private DatasetResult dataset(String name, String description, Source source, int batch, Transform transform,
                                  String peerAbsent) throws IOException, InterruptedException {
        log.println("== " + description);
        int w = options.workers();
        List<Path> files = source.entries().stream().map(SourceEntry::file).toList();
        long sourceBytes = 0;
        long sourceDisk = 0;
        for (Path file : files) {
            long size = Files.size(file);
            sourceBytes += size;
            sourceDisk += (size + 4095) / 4096 * 4096;
        }
        RawRead.Rate files1 = RawRead.files(files, 1, 1);
        RawRead.Rate filesW = RawRead.files(files, w, 2);
        List<LayoutResult> layouts = new ArrayList<>();
        double cat = 0;
        Path binPath = null;
        for (Layout layout : options.layouts()) {
            Path out = options.out().resolve("data").resolve(name + "." + layout.id());
            PackResult pack = Packer.pack(new SourceInput(source), out,
                    PackOptions.of(layout).withThreads(Math.max(4, 2 * w)).withForce(true), progress.apply("pack " + layout.id()));
            try (Container container = Containers.open(out)) {
                RawRead.Rate read1 = RawRead.container(container, 1, 3);
                RawRead.Rate readW = RawRead.container(container, w, 4);
                double eval = loaderRate(container, transform, w, batch, seconds());
                double train = transform.mode() == Transform.Mode.NONE || transform.mode() == Transform.Mode.PIPELINE ? 0
                        : loaderRate(container, Transform.train(transform.crop()), w, batch, seconds());
                int[] check = Correctness.check(container, source, transform, w, options.quick() ? 64 : 256);
                layouts.add(new LayoutResult(layout.id(), pack.seconds(), pack.bytesOnDisk(), pack.sizeRatio(),
                        pack.megabytesPerSecond(), read1, readW, eval, train, check[0], check[1]));
                log.printf("  %-8s %.3fx size, pack %.2f s, read %,.0f rec/s (1 thread) %,.0f rec/s (%d), loader %,.0f img/s, "
                                + "%d/%d pixel-exact%n", layout.id(), pack.sizeRatio(), pack.seconds(), read1.recordsPerSecond(),
                        readW.recordsPerSecond(), w, eval, check[0] - check[1], check[0]);
            }
            if (layout == Layout.BIN) {
                binPath = out;
                cat = RawRead.catMegabytesPerSecond(out.resolve("data.bin"));
            }
        }
        BenchResult.Loader loader = binPath == null ? null : loaderVersusCeiling(binPath, transform, w, batch);
        List<Peer.Run> runs = new ArrayList<>();
        if (peerAbsent == null) {
            runs = peerRuns(name, source, transform, w, batch);
        }
        return new DatasetResult(name, description, source.size(), sourceBytes, sourceDisk, files1, filesW, cat, layouts,
                loader, runs, peerAbsent);
    }

    private BenchResult.Loader loaderVersusCeiling(Path bin, Transform transform, int w, int batch) {
        try (Container container = Containers.open(bin)) {
            int channels;
            try (DataLoader probe = DataLoader.builder(container).workers(1).prefetch(1).batchSize(1)
                    .transform(transform).build()) {
                channels = probe.channels(); // what the loader decodes, so the ceiling decodes the same
            }
            int records = container.size();
            double one = loaderRate(container, transform, 1, batch, seconds());
            double all = loaderRate(container, transform, w, batch, seconds());
            double ceiling = DecodeCeiling.imagesPerSecond(container, transform, channels, records, seconds());
            Transform exact = transform.withReducedDecode(false);
            double exactAll = transform.mode() == Transform.Mode.NONE ? all : loaderRate(container, exact, w, batch, seconds());
            double exactCeiling = transform.mode() == Transform.Mode.NONE ? ceiling
                    : DecodeCeiling.imagesPerSecond(container, exact, channels, records, seconds());
            // Worker time not spent in the native call, per image: the loader's own overhead.
            double overhead = 1e6 * (w / all - 1 / ceiling);
            log.printf("  loader (bin, %s): %,.0f img/s with 1 worker, %,.0f with %d; ceiling %,.0f x %d = %,.0f: %.0f%%%n",
                    transform.mode().name().toLowerCase(), one, all, w, ceiling, w, ceiling * w, 100 * all / (ceiling * w));
            return new BenchResult.Loader(transform.mode().name().toLowerCase(), one, all, ceiling, all / (ceiling * w),
                    exactAll, exactCeiling, exactAll / (exactCeiling * w), overhead);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Images/s of the loader over shuffled epochs for at least {@code seconds}, after one warm-up epoch. */
    static double loaderRate(Container container, Transform transform, int workers, int batch, double seconds) {
        try (DataLoader loader = DataLoader.builder(container).batchSize(batch).workers(workers).transform(transform)
                .shuffle(true).build()) {
            long images = 0;
            double elapsed = 0;
            for (int epoch = 0; epoch == 0 || elapsed < seconds; epoch++) {
                for (Batch b : loader.epoch(epoch)) {
                    b.size();
                }
                if (epoch > 0) {
                    images += loader.lastStats().images();
                    elapsed += loader.lastStats().seconds();
                }
            }
            return images / elapsed;
        }
    }

    /** How long each throughput figure is measured: long enough that epoch start and tail do not count much. */
    private double seconds() {
        return options.quick() ? 1.5 : 5;
    }

    private List<Peer.Run> peerRuns(String name, Source source, Transform transform, int w, int batch) {
        String mode = transform.mode() == Transform.Mode.NONE ? "none" : "eval";
        List<Peer.Run> runs = new ArrayList<>();
        List<String> containers = new ArrayList<>();
        for (Layout layout : options.layouts()) {
            if (!options.quick() || layout == Layout.BIN) {
                containers.add(layout.id());
            }
        }
        int[] workerCounts = transform.mode() == Transform.Mode.NONE ? new int[] {0, w} : new int[] {w};
        for (int workers : workerCounts) {
            runs.add(logged(peer.run("imagefolder", source.root(), workers, batch, mode, transform.crop(),
                    transform.resize(), 1, 0)));
            for (String layout : containers) {
                Path path = options.out().resolve("data").resolve(name + "." + layout);
                runs.add(logged(peer.run(layout, path, workers, batch, mode, transform.crop(), transform.resize(), 1, 0)));
            }
        }
        return runs;
    }

    private Peer.Run logged(Peer.Run run) {
        log.printf("  peer %-11s %d workers: %s%n", run.mode(), run.workers(),
                run.ok() ? String.format("%,.0f img/s", run.imagesPerSecond()) : "absent (" + run.error() + ")");
        return run;
    }

    private static void deleteTree(Path root) throws IOException {
        try (var walk = Files.walk(root)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    static ByteBuffer direct(byte[] bytes) {
        return ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
    }
}

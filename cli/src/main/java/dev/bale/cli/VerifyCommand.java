package dev.bale.cli;

import dev.bale.container.Container;
import dev.bale.container.Containers;
import dev.bale.inspect.ContainerComparison;
import dev.bale.inspect.Problem;
import dev.bale.inspect.Verifier;
import dev.bale.source.Source;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Reads every record and checks its checksum; optionally compares it with the source files and "
                + "decodes it. Prints each bad record by index and key; exits 1 if there is any.",
                "Example: bale verify photos.lmdb --against photos/ --decode"})
final class VerifyCommand implements Callable<Integer> {

    @Mixin
    OpenFlags open = new OpenFlags();

    @Parameters(paramLabel = "CONTAINER", description = "Container of any layout.")
    Path path;

    @Option(names = "--against", paramLabel = "SOURCE", description = "Source folder to compare with, byte for byte; or the "
            + "container or dataset this one was converted from (decoded pixels where it holds raw pixels).")
    Path against;

    @Option(names = "--list", paramLabel = "FILE", description = "With --against: the list file the pack used.")
    Path list;

    @Option(names = "--decode", description = "Also decode every image.")
    boolean decode;

    @Option(names = "--threads", defaultValue = "4", description = "Threads (default: ${DEFAULT-VALUE}).")
    int threads;

    /**
     * Whether {@code against} is a container or dataset (compared record by record, decoded pixels
     * where it holds raw ones) rather than a folder of image files: a file, a brace list, an LMDB or
     * bin container, or a folder without sub-folders.
     */
    private static boolean isDataset(Path against) throws java.io.IOException {
        if (!java.nio.file.Files.isDirectory(against)) {
            return true;
        }
        if (java.nio.file.Files.exists(against.resolve("data.mdb")) || java.nio.file.Files.exists(against.resolve("manifest.json"))) {
            return true;
        }
        try (var children = java.nio.file.Files.list(against)) {
            return children.noneMatch(java.nio.file.Files::isDirectory);
        }
    }

    @Mixin
    RemoteMixin remote;

    @Override
    public Integer call() throws Exception {
        remote.apply();
        if (list != null && against == null) {
            throw new IllegalArgumentException("--list needs --against (the root its paths are relative to)");
        }
        boolean againstDataset = against != null && list == null && isDataset(against);
        Source source = against == null || againstDataset ? null
                : list != null ? Source.list(list, against) : Source.folder(against);
        List<Problem> problems;
        int size;
        dev.bale.pack.Reclaim.Result reclaimed = dev.bale.pack.Reclaim.reclaim(sniffOrGuess(path), path);
        if (!reclaimed.isEmpty()) {
            System.err.println("verify: " + reclaimed);
        }
        boolean checksummed;
        try (Container container = open.open(path, true); Progress progress = new Progress("verify")) {
            size = container.size();
            checksummed = container.metadataChecksummed();
            progress.started(size);
            problems = new java.util.ArrayList<>(Verifier.verify(container, source, decode, threads, progress::step));
            if (againstDataset) {
                try (Container reference = Containers.open(against)) {
                    progress.close();
                    progress.started(size);
                    problems.addAll(ContainerComparison.compare(container, reference, progress::step));
                }
            }
        }
        for (Problem problem : problems) {
            System.out.println("BAD " + problem);
        }
        if (!checksummed) {
            System.out.println("NOTE metadata unchecksummed: nothing recorded at pack time vouches for this container's "
                    + "indexes and labels (written by an older Bale, or not by Bale)");
        }
        System.out.printf("%s: %,d records checked%s%s, %d problem%s%n", path, size,
                source != null ? ", compared with " + against : "", decode ? ", decoded" : "",
                problems.size(), problems.size() == 1 ? "" : "s");
        return problems.isEmpty() ? 0 : 1;
    }

    /** The layout on disk, or for a path an interrupted replacement left empty, the one its name suggests. */
    private static dev.bale.container.Layout sniffOrGuess(Path path) {
        try {
            return dev.bale.container.Containers.sniff(path);
        } catch (java.io.IOException | RuntimeException e) {
            String name = path.getFileName().toString();
            for (dev.bale.container.Layout layout : dev.bale.container.Layout.values()) {
                if (name.endsWith("." + layout.id())) {
                    return layout;
                }
            }
            return dev.bale.container.Layout.BIN;
        }
    }
}

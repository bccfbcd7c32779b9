package dev.bale.cli;

import dev.bale.container.Container;
import dev.bale.container.Containers;
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

    @Parameters(paramLabel = "CONTAINER", description = "Container of any layout.")
    Path path;

    @Option(names = "--against", paramLabel = "SOURCE", description = "Source folder to compare with, byte for byte.")
    Path against;

    @Option(names = "--list", paramLabel = "FILE", description = "With --against: the list file the pack used.")
    Path list;

    @Option(names = "--decode", description = "Also decode every image.")
    boolean decode;

    @Option(names = "--threads", defaultValue = "4", description = "Threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Mixin
    RemoteMixin remote;

    @Override
    public Integer call() throws Exception {
        remote.apply();
        if (list != null && against == null) {
            throw new IllegalArgumentException("--list needs --against (the root its paths are relative to)");
        }
        Source source = against == null ? null : list != null ? Source.list(list, against) : Source.folder(against);
        List<Problem> problems;
        int size;
        try (Container container = Containers.open(path); Progress progress = new Progress("verify")) {
            size = container.size();
            progress.started(size);
            problems = Verifier.verify(container, source, decode, threads, progress::step);
        }
        for (Problem problem : problems) {
            System.out.println("BAD " + problem);
        }
        System.out.printf("%s: %,d records checked%s%s, %d problem%s%n", path, size,
                source != null ? ", compared with " + against : "", decode ? ", decoded" : "",
                problems.size(), problems.size() == 1 ? "" : "s");
        return problems.isEmpty() ? 0 : 1;
    }
}

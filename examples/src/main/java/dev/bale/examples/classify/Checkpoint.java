package dev.bale.examples.classify;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;
import org.bytedeco.pytorch.InputArchive;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Optimizer;
import org.bytedeco.pytorch.OutputArchive;

/**
 * A training run's checkpoint, one folder: {@code model.pt} and {@code optimizer.pt} (LibTorch's
 * archives) and {@code state.json}, where training goes on from. The loader needs nothing more than
 * the epoch and the next batch: {@code loader.epoch(epoch, nextBatch)} gives exactly the batches an
 * uninterrupted run would have had. Written beside the folder and renamed into place, so a run
 * killed while saving leaves the previous checkpoint whole.
 */
public final class Checkpoint {
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

    /** Where training resumes: batch {@code nextBatch} of epoch {@code epoch}, after {@code step} optimizer steps. */
    public record State(int epoch, int nextBatch, long step, long seed, String model) {
    }

    private Checkpoint() {
    }

    public static void save(Path dir, Module model, Optimizer optimizer, State state) throws IOException {
        Path parent = dir.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path staging = parent.resolve("." + dir.getFileName() + ".saving");
        Path old = parent.resolve("." + dir.getFileName() + ".old");
        deleteTree(staging);
        Files.createDirectories(staging);
        try (OutputArchive archive = new OutputArchive()) {
            model.save(archive);
            archive.save_to(staging.resolve("model.pt").toString());
        }
        try (OutputArchive archive = new OutputArchive()) {
            optimizer.save(archive);
            archive.save_to(staging.resolve("optimizer.pt").toString());
        }
        // state.json last, and whole: its presence marks the staged checkpoint complete.
        Files.writeString(staging.resolve("state.json.part"), GSON.toJson(state));
        Files.move(staging.resolve("state.json.part"), staging.resolve("state.json"), StandardCopyOption.ATOMIC_MOVE);
        deleteTree(old);
        if (Files.exists(dir)) {
            Files.move(dir, old, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
        deleteTree(old);
    }

    /** Reads the state, and loads the weights and the optimizer's state into {@code model} and {@code optimizer}. */
    public static State load(Path checkpoint, Module model, Optimizer optimizer) throws IOException {
        Path dir = complete(checkpoint);
        State state = state(dir);
        try (InputArchive archive = new InputArchive()) {
            archive.load_from(dir.resolve("model.pt").toString());
            model.load(archive);
        }
        try (InputArchive archive = new InputArchive()) {
            archive.load_from(dir.resolve("optimizer.pt").toString());
            optimizer.load(archive);
        }
        return state;
    }

    /**
     * The folder holding the newest complete checkpoint: {@code dir} itself, unless a run was killed
     * between the two renames of a save; then the staged one (complete: state.json is written last)
     * or the previous one.
     */
    static Path complete(Path dir) {
        Path parent = dir.toAbsolutePath().getParent();
        for (Path candidate : new Path[] {dir, parent.resolve("." + dir.getFileName() + ".saving"),
                parent.resolve("." + dir.getFileName() + ".old")}) {
            if (Files.exists(candidate.resolve("state.json"))) {
                return candidate;
            }
        }
        return dir;
    }

    public static State state(Path checkpoint) throws IOException {
        Path dir = complete(checkpoint);
        Path file = dir.resolve("state.json");
        if (!Files.exists(file)) {
            throw new IOException(dir + ": not a checkpoint (no state.json)");
        }
        State state = GSON.fromJson(Files.readString(file), State.class);
        if (state == null || state.epoch() < 0 || state.nextBatch() < 0 || state.model() == null) {
            throw new IOException(file + ": incomplete checkpoint state");
        }
        return state;
    }

    private static void deleteTree(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}

package dev.bale.bench;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * PyTorch's DataLoader, run side by side as the peer: {@code bench/peer/torch_peer.py} under
 * Debian's /usr/bin/python3, one configuration per run, one JSON object back.
 */
public final class Peer {
    private static final String PYTHON = "/usr/bin/python3";

    /** One peer run: what ran and how fast, or why it could not run. */
    public record Run(String mode, int workers, String transform, double imagesPerSecond, String error) {
        public boolean ok() {
            return error == null;
        }
    }

    private final Path script;
    private final Path installer;

    public Peer(Path benchDir) {
        this.script = benchDir.resolve("peer/torch_peer.py");
        this.installer = benchDir.resolve("peer/install_peer.sh");
    }

    /**
     * Installs the peer's Debian packages if missing. Returns null when the peer can run, else why
     * not (then the bench reports it as absent, not as zero).
     */
    public String prepare() {
        if (!Files.exists(script)) {
            return "peer script " + script + " not found";
        }
        try {
            Finished install = run(List.of("bash", installer.toString()), 20);
            String last = install.output().lines().reduce((a, b) -> b).orElse("");
            if (install.exitCode() != 0 || install.output().contains("peer unavailable")) {
                return last.isEmpty() ? "peer installation failed" : last;
            }
            return null;
        } catch (IOException e) {
            return "cannot run " + installer + ": " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** A finished child process: exit code (-1 when it was killed for running too long), stdout, stderr. */
    private record Finished(int exitCode, String output, String errors) {
    }

    /**
     * Runs a command with its output in files, so that waiting can time out; a command still
     * running after {@code minutes} is killed.
     */
    private static Finished run(List<String> command, int minutes) throws IOException, InterruptedException {
        Path out = Files.createTempFile("bale-peer", ".out");
        Path err = Files.createTempFile("bale-peer", ".err");
        try {
            Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            boolean done = process.waitFor(minutes, TimeUnit.MINUTES);
            if (!done) {
                process.destroyForcibly().waitFor();
            }
            return new Finished(done ? process.exitValue() : -1, Files.readString(out).trim(), Files.readString(err).trim());
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Runs one configuration; {@code mode} is imagefolder, bin, lmdb, sqlite or tfrecord. */
    public Run run(String mode, Path path, int workers, int batch, String transform, int crop, int resize, int epochs,
                   int limit) {
        return run(mode, path, workers, batch, transform, crop, resize, epochs, limit, List.of());
    }

    /**
     * As above; {@code mode} may also be a foreign kind id (plain-bin, pickle-lmdb...), with {@code extra}
     * arguments telling how to open it (--index, --table, --columns, --labels).
     */
    public Run run(String mode, Path path, int workers, int batch, String transform, int crop, int resize, int epochs,
                   int limit, List<String> extra) {
        List<String> command = new ArrayList<>(List.of(PYTHON, script.toString(), "--mode", mode, "--path",
                path.toString(), "--workers", Integer.toString(workers), "--batch", Integer.toString(batch),
                "--transform", transform, "--epochs", Integer.toString(epochs), "--shuffle"));
        if (!transform.equals("none")) {
            command.addAll(List.of("--crop", Integer.toString(crop), "--resize", Integer.toString(resize)));
        }
        if (limit > 0) {
            command.addAll(List.of("--limit", Integer.toString(limit)));
        }
        command.addAll(extra);
        try {
            Finished finished = run(command, 30);
            String last = finished.output().lines().reduce((a, b) -> b).orElse("");
            JsonObject json = last.startsWith("{") ? JsonParser.parseString(last).getAsJsonObject() : null;
            if (json == null || json.has("error")) {
                String stderr = finished.errors().lines().reduce((a, b) -> b).orElse("");
                return new Run(mode, workers, transform, 0, json != null ? json.get("error").getAsString()
                        : finished.exitCode() < 0 ? "timed out after 30 minutes"
                        : "no result (exit " + finished.exitCode() + (stderr.isEmpty() ? "" : ": " + stderr) + ")");
            }
            return new Run(mode, workers, transform, json.get("images_per_s").getAsDouble(), null);
        } catch (IOException | RuntimeException e) {
            return new Run(mode, workers, transform, 0, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Run(mode, workers, transform, 0, "interrupted");
        }
    }
}

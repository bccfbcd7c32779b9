package dev.bale.bench;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
            Process install = new ProcessBuilder("bash", installer.toString()).redirectErrorStream(true).start();
            String output = new String(install.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!install.waitFor(20, TimeUnit.MINUTES) || install.exitValue() != 0 || output.contains("peer unavailable")) {
                return output.isEmpty() ? "peer installation failed" : output.lines().reduce((a, b) -> b).orElse(output);
            }
            return null;
        } catch (IOException e) {
            return "cannot run " + installer + ": " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** Runs one configuration; {@code mode} is imagefolder, bin, lmdb, sqlite or tfrecord. */
    public Run run(String mode, Path path, int workers, int batch, String transform, int crop, int resize, int epochs,
                   int limit) {
        List<String> command = new ArrayList<>(List.of(PYTHON, script.toString(), "--mode", mode, "--path",
                path.toString(), "--workers", Integer.toString(workers), "--batch", Integer.toString(batch),
                "--transform", transform, "--epochs", Integer.toString(epochs), "--shuffle"));
        if (!transform.equals("none")) {
            command.addAll(List.of("--crop", Integer.toString(crop), "--resize", Integer.toString(resize)));
        }
        if (limit > 0) {
            command.addAll(List.of("--limit", Integer.toString(limit)));
        }
        Path errors = null;
        try {
            errors = Files.createTempFile("bale-peer", ".err");
            Process process = new ProcessBuilder(command).redirectError(errors.toFile()).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            process.waitFor(30, TimeUnit.MINUTES);
            String last = output.lines().reduce((a, b) -> b).orElse("");
            JsonObject json = last.startsWith("{") ? JsonParser.parseString(last).getAsJsonObject() : null;
            if (json == null || json.has("error")) {
                String stderr = Files.readString(errors).trim().lines().reduce((a, b) -> b).orElse("");
                return new Run(mode, workers, transform, 0, json != null ? json.get("error").getAsString()
                        : "no result (exit " + process.exitValue() + (stderr.isEmpty() ? "" : ": " + stderr) + ")");
            }
            return new Run(mode, workers, transform, json.get("images_per_s").getAsDouble(), null);
        } catch (IOException | RuntimeException e) {
            return new Run(mode, workers, transform, 0, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Run(mode, workers, transform, 0, "interrupted");
        } finally {
            if (errors != null) {
                try {
                    Files.deleteIfExists(errors);
                } catch (IOException e) {
                    // A temporary file left in /tmp loses nothing.
                }
            }
        }
    }
}

package dev.bale.dataset;

import dev.bale.container.CorruptContainerException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Opens sharded datasets: a local folder, its dataset.json, or an http(s):// URL to a dataset.json. */
public final class Datasets {
    /** "http://", also as a {@link Path} prints it ("http:/host/..."), which is how a URL reaches the CLI. */
    private static final Pattern URL = Pattern.compile("(?i)(https?|s3):/+(.*)");

    private Datasets() {
    }

    /** Whether {@code location} names a dataset rather than a single container. */
    public static boolean isDataset(String location) {
        if (remote(location) != null) {
            return true;
        }
        Path path = Path.of(location);
        return Files.isRegularFile(path.resolve(DatasetManifest.FILE_NAME))
                || (path.getFileName() != null && path.getFileName().toString().equals(DatasetManifest.FILE_NAME)
                && Files.isRegularFile(path));
    }

    /** Opens a dataset with the options from the environment ({@link RemoteOptions#fromEnvironment}). */
    public static ShardedContainer open(String location) throws IOException {
        return open(location, RemoteOptions.fromEnvironment());
    }

    public static ShardedContainer open(String location, RemoteOptions options) throws IOException {
        String url = remote(location);
        if (url != null) {
            return RemoteDataset.open(url, options);
        }
        Path path = Path.of(location);
        Path json = Files.isDirectory(path) ? path.resolve(DatasetManifest.FILE_NAME) : path;
        if (!Files.isRegularFile(json)) {
            throw new NoSuchFileException(json.toString(), null, "no dataset.json");
        }
        if (Files.size(json) > DatasetManifest.MAX_BYTES) {
            throw new CorruptContainerException(json + ": larger than " + DatasetManifest.MAX_BYTES + " bytes");
        }
        DatasetManifest manifest = DatasetManifest.fromJson(Files.readString(json, StandardCharsets.UTF_8), json.toString());
        Path folder = json.toAbsolutePath().getParent();
        return new ShardedContainer(json.toString(), folder, manifest, new LocalShards(folder, manifest));
    }

    /**
     * Two containers (or datasets) read with weights: {@code Datasets.mix(a, 0.7, b, 0.3).sampler(seed, 0)}
     * draws about 70% of each epoch from a. The mixture owns both: closing it closes them.
     */
    public static Mixture mix(dev.bale.container.Container a, double weightA, dev.bale.container.Container b,
                              double weightB) {
        return new Mixture(java.util.List.of(a, b), new double[] {weightA, weightB});
    }

    /** Any number of containers with one weight each. */
    public static Mixture mix(java.util.List<dev.bale.container.Container> parts, double[] weights) {
        return new Mixture(parts, weights);
    }

    /** The URL {@code location} names (with "scheme://" restored), or null for a local path. */
    static String remote(String location) {
        Matcher m = URL.matcher(location);
        if (!m.matches() || Files.exists(Path.of(location))) {
            return null;
        }
        String url = m.group(1).toLowerCase(Locale.ROOT) + "://" + m.group(2);
        return url.endsWith("/") ? url + DatasetManifest.FILE_NAME : url;
    }
}

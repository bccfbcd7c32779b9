package dev.bale.dataset;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import dev.bale.container.CorruptContainerException;
import dev.bale.container.Layout;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code dataset.json}: a sharded dataset's description. Shards hold consecutive record ranges in
 * list order; record i of the dataset is record {@code i - start(s)} of shard s. Class ids are
 * global: every shard carries the whole class list. The format is stable and documented in the
 * README; a manifest read from elsewhere is untrusted, so {@link #fromJson} checks every field
 * before anything is sized from it.
 *
 * @param format  always {@link #FORMAT}
 * @param version {@link #VERSION}
 * @param layout  the layout id of every shard ("bin", "lmdb", "sqlite", "tfrecord")
 * @param records total records, the sum of the shards'
 * @param classes class names, index = class id
 * @param shards  the shards in record order
 */
public record DatasetManifest(String format, int version, String layout, long records, List<String> classes,
                              List<Shard> shards) {

    public static final String FORMAT = "bale-dataset";
    public static final int VERSION = 1;
    public static final String FILE_NAME = "dataset.json";
    /** Caps on what a manifest may claim, checked before anything is allocated from it. */
    public static final int MAX_SHARDS = 1 << 20;
    public static final int MAX_FILES_PER_SHARD = 64;
    public static final int MAX_CLASSES = 1 << 24;
    public static final long MAX_BYTES = 64L << 20;

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    /** A relative name: plain segments of letters, digits, '.', '_', '-', never "." or "..". */
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._-]{1,255}");

    /**
     * One shard.
     *
     * @param path    the shard's main path (what opens as a container): relative to the folder of
     *                dataset.json, or an absolute http(s)/s3 URL
     * @param records its record count
     * @param bytes   the sum of its files' sizes
     * @param sha256  SHA-256 over its files' bytes, concatenated in the order of {@code files}
     * @param files   every file of the shard, relative to the folder that holds {@code path}, sorted
     *                by name (UTF-8 byte order)
     */
    public record Shard(String path, long records, long bytes, String sha256, List<ShardFile> files) {
        public Shard {
            files = files == null ? null : List.copyOf(files);
        }

        /** The last segment of {@link #path}: the shard's own name. */
        public String name() {
            String p = path;
            if (p.endsWith("/")) {
                p = p.substring(0, p.length() - 1);
            }
            return p.substring(p.lastIndexOf('/') + 1);
        }
    }

    /** One file of a shard: its name relative to the shard's folder ("shard-00000.bin/data.bin") and size. */
    public record ShardFile(String name, long bytes) {
    }

    public DatasetManifest {
        // Null elements (from hostile JSON) fail here, and fromJson reports them as a bad manifest.
        classes = classes == null ? null : List.copyOf(classes);
        shards = shards == null ? null : List.copyOf(shards);
    }

    public Layout layoutValue() {
        return Layout.parse(layout);
    }

    public String toJson() {
        return GSON.toJson(this) + "\n";
    }

    /** Parses and checks a manifest from anywhere; {@code where} names it in error messages. */
    public static DatasetManifest fromJson(String json, String where) {
        if (json.length() > MAX_BYTES) {
            throw new CorruptContainerException(where + ": larger than " + MAX_BYTES + " bytes");
        }
        DatasetManifest m;
        try {
            m = GSON.fromJson(json, DatasetManifest.class);
        } catch (JsonParseException | IllegalStateException | NullPointerException e) {
            throw new CorruptContainerException(where + ": not valid dataset JSON: " + e.getMessage(), e);
        }
        if (m == null || !FORMAT.equals(m.format())) {
            throw new CorruptContainerException(where + ": not a Bale dataset manifest (format is not \"" + FORMAT + "\")");
        }
        if (m.version() != VERSION) {
            throw new CorruptContainerException(where + ": dataset format version " + m.version()
                    + " is not supported (this build reads version " + VERSION + ")");
        }
        try {
            Layout.parse(String.valueOf(m.layout()));
        } catch (IllegalArgumentException e) {
            throw new CorruptContainerException(where + ": " + e.getMessage());
        }
        if (m.classes() == null || m.classes().size() > MAX_CLASSES) {
            throw new CorruptContainerException(where + ": no valid class list");
        }
        if (m.shards() == null || m.shards().size() > MAX_SHARDS) {
            throw new CorruptContainerException(where + ": no valid shard list (at most " + MAX_SHARDS + " shards)");
        }
        if (m.records() < 0 || m.records() > Integer.MAX_VALUE) {
            throw new CorruptContainerException(where + ": record count " + m.records() + " is out of range");
        }
        long sum = 0;
        for (int s = 0; s < m.shards().size(); s++) {
            Shard shard = m.shards().get(s);
            String at = where + ": shard " + s;
            if (shard == null || shard.path() == null) {
                throw new CorruptContainerException(at + ": no path");
            }
            checkShardPath(shard.path(), at);
            if (shard.records() < 0 || shard.records() > Integer.MAX_VALUE || shard.bytes() < 0) {
                throw new CorruptContainerException(at + " (" + shard.path() + "): negative or too large record or byte count");
            }
            if (shard.sha256() == null || !SHA256.matcher(shard.sha256()).matches()) {
                throw new CorruptContainerException(at + " (" + shard.path() + "): sha256 is not 64 lower-case hex digits");
            }
            checkFiles(shard, at + " (" + shard.path() + ")");
            sum += shard.records();
        }
        if (sum != m.records()) {
            throw new CorruptContainerException(where + ": shards hold " + sum + " records, the manifest says " + m.records());
        }
        return m;
    }

    /** A shard path is a relative name of plain segments, or an absolute http(s) or s3 URL. */
    private static void checkShardPath(String path, String at) {
        if (path.startsWith("http://") || path.startsWith("https://") || path.startsWith("s3://")) {
            String rest = path.substring(path.indexOf("://") + 3);
            int slash = rest.indexOf('/');
            if (slash <= 0) {
                throw new CorruptContainerException(at + ": URL " + path + " has no host or path");
            }
            checkRelative(rest.substring(slash + 1), at, path);
            return;
        }
        checkRelative(path, at, path);
    }

    static void checkRelative(String relative, String at, String shown) {
        String[] segments = relative.split("/", -1);
        if (relative.isEmpty() || segments.length > 16) {
            throw new CorruptContainerException(at + ": path '" + shown + "' is empty or too deep");
        }
        for (String segment : segments) {
            if (!SEGMENT.matcher(segment).matches() || segment.equals(".") || segment.equals("..")) {
                throw new CorruptContainerException(at + ": path '" + shown
                        + "' is not a plain relative name (no '..', no absolute paths, letters, digits, '.', '_', '-' only)");
            }
        }
    }

    private static void checkFiles(Shard shard, String at) {
        List<ShardFile> files = shard.files();
        if (files == null || files.isEmpty() || files.size() > MAX_FILES_PER_SHARD) {
            throw new CorruptContainerException(at + ": needs 1 to " + MAX_FILES_PER_SHARD + " files");
        }
        String name = shard.name();
        String previous = null;
        long total = 0;
        for (ShardFile file : files) {
            if (file == null || file.name() == null || file.bytes() < 0) {
                throw new CorruptContainerException(at + ": a file entry has no name or a negative size");
            }
            checkRelative(file.name(), at, file.name());
            if (!(file.name().equals(name) || file.name().startsWith(name + "/") || file.name().startsWith(name + "."))) {
                throw new CorruptContainerException(at + ": file " + file.name() + " does not belong to shard " + name);
            }
            if (previous != null && ShardFiles.compareNames(previous, file.name()) >= 0) {
                throw new CorruptContainerException(at + ": files are not sorted by name (or repeat one)");
            }
            previous = file.name();
            total += file.bytes();
        }
        if (total != shard.bytes()) {
            throw new CorruptContainerException(at + ": files add up to " + total + " bytes, the shard says " + shard.bytes());
        }
    }

    /** Record counts of the shards, in order. */
    public int[] shardRecords() {
        int[] counts = new int[shards.size()];
        for (int s = 0; s < counts.length; s++) {
            counts[s] = (int) shards.get(s).records();
        }
        return counts;
    }

    /** Total bytes of every shard. */
    public long bytes() {
        long total = 0;
        for (Shard shard : shards) {
            total += shard.bytes();
        }
        return total;
    }
}

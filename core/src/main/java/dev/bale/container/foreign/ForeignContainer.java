package dev.bale.container.foreign;

import dev.bale.container.Container;
import dev.bale.container.CorruptContainerException;
import dev.bale.container.Layout;
import dev.bale.container.Manifest;
import java.nio.file.Path;
import java.util.List;

/**
 * A dataset another tool wrote, opened read-only in place. Besides what every container tells, it
 * says which kind it is, the evidence for that, and what its records look like. Foreign records
 * carry no checksums: what is checked is that every offset and length lies inside its file.
 */
public abstract class ForeignContainer implements Container {
    protected final Path path;
    private final ForeignKind kind;
    private final Manifest manifest;
    private final int[] classIds;
    private final String labelKind;
    private final List<String> exampleKeys;
    private final List<String> formats;
    private final List<String> badRecords;
    private final String evidence;

    ForeignContainer(Path path, ForeignKind kind, ForeignLabels labels, long dataBytes, Description description) {
        this.path = path;
        this.kind = kind;
        this.classIds = labels.ids;
        this.labelKind = labels.kind;
        this.manifest = new Manifest(Manifest.FORMAT, Manifest.VERSION, kind.storage().id(), labels.ids.length,
                labels.classes, dataBytes, "foreign " + kind.id());
        this.evidence = description.evidence;
        this.exampleKeys = List.copyOf(description.exampleKeys);
        this.formats = List.copyOf(description.formats);
        this.badRecords = List.copyOf(description.badRecords);
    }

    /** What {@link ForeignContainer} subclasses found while opening, for {@code inspect}. */
    static final class Description {
        String evidence = "";
        final List<String> exampleKeys = new java.util.ArrayList<>();
        final java.util.Set<String> formatSet = new java.util.TreeSet<>();
        final List<String> badRecords = new java.util.ArrayList<>();
        List<String> formats = List.of();

        void key(String key) {
            if (exampleKeys.size() < 5) {
                exampleKeys.add(key);
            }
        }

        void format(String format) {
            if (formatSet.size() < 20) {
                formatSet.add(format);
            }
            formats = List.copyOf(formatSet);
        }

        void bad(String what) {
            if (badRecords.size() < 20) {
                badRecords.add(what);
            }
        }
    }

    public ForeignKind kind() {
        return kind;
    }

    /** Why this kind was chosen: what was found on disk. */
    public String evidence() {
        return evidence;
    }

    /** Foreign records carry no checksums. */
    public boolean checksummed() {
        return false;
    }

    /** "int", "text" or "none". */
    public String labelKind() {
        return labelKind;
    }

    /** Up to five keys of the first records. */
    public List<String> exampleKeys() {
        return exampleKeys;
    }

    /** The image formats or raw shapes seen ("jpeg", "png", "32x32x3 HWC RGB"), as far as opening saw them. */
    public List<String> formats() {
        return formats;
    }

    /** Records found unreadable while opening (up to 20), each naming the record; reading them throws. */
    public List<String> badRecords() {
        return badRecords;
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public Layout layout() {
        return kind.storage();
    }

    @Override
    public Manifest manifest() {
        return manifest;
    }

    @Override
    public int[] classIds() {
        return classIds;
    }

    CorruptContainerException corrupt(int index, String key, String what) {
        return new CorruptContainerException(path + ": record " + index + " (" + key + "): " + what);
    }

    /** "jpeg", "png" or "unknown" from the first bytes. */
    static String encodedFormat(java.nio.ByteBuffer bytes) {
        int p = bytes.position();
        if (bytes.remaining() >= 3 && (bytes.get(p) & 0xFF) == 0xFF && (bytes.get(p + 1) & 0xFF) == 0xD8) {
            return "jpeg";
        }
        if (bytes.remaining() >= 8 && (bytes.get(p) & 0xFF) == 0x89 && bytes.get(p + 1) == 'P' && bytes.get(p + 2) == 'N'
                && bytes.get(p + 3) == 'G') {
            return "png";
        }
        return "unknown";
    }
}

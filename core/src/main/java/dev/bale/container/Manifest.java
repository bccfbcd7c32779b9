package dev.bale.container;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import java.util.List;

/**
 * What a container says about itself: layout, record count, class names (index = class id) and
 * the byte count of the sources it was packed from. Stored as JSON beside or inside the container.
 *
 * @param format      always {@link #FORMAT}; tells a Bale manifest from other JSON
 * @param version     the container format version, {@link #VERSION} for what this code writes
 * @param layout      the layout's id ("bin", "lmdb", ...)
 * @param count       number of records
 * @param classes     class names; a record's class id indexes this list
 * @param sourceBytes sum of the encoded sizes of the packed records (their source files' sizes)
 * @param createdBy   the tool and version that wrote the container
 */
public record Manifest(String format, int version, String layout, int count, List<String> classes,
                       long sourceBytes, String createdBy) {

    public static final String FORMAT = "bale";
    public static final int VERSION = 1;
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    public Manifest {
        classes = List.copyOf(classes);
    }

    public static Manifest of(Layout layout, int count, List<String> classes, long sourceBytes) {
        return new Manifest(FORMAT, VERSION, layout.id(), count, classes, sourceBytes, "bale " + Version.current());
    }

    public String toJson() {
        return GSON.toJson(this);
    }

    /** Parses and checks a manifest; {@code where} names its origin in error messages. */
    public static Manifest fromJson(String json, String where) {
        Manifest manifest;
        try {
            manifest = GSON.fromJson(json, Manifest.class);
        } catch (JsonParseException e) {
            throw new CorruptContainerException(where + ": manifest is not valid JSON: " + e.getMessage(), e);
        }
        if (manifest == null || !FORMAT.equals(manifest.format())) {
            throw new CorruptContainerException(where + ": not a Bale manifest");
        }
        if (manifest.version() != VERSION) {
            throw new CorruptContainerException(where + ": container format version " + manifest.version()
                    + " is not supported (this build reads version " + VERSION + ")");
        }
        if (manifest.count() < 0 || manifest.classes() == null) {
            throw new CorruptContainerException(where + ": manifest has no valid count or class list");
        }
        return manifest;
    }

    /** The label text of a class id: its class name, or the number itself when unnamed. */
    public String label(int classId) {
        String name = className(classes, classId);
        return name.isEmpty() ? Integer.toString(classId) : name;
    }

    /** The name {@code classes} gives a class id, as writers store it; the number for an id outside the list. */
    public static String className(List<String> classes, int classId) {
        return classId >= 0 && classId < classes.size() ? classes.get(classId) : Integer.toString(classId);
    }
}

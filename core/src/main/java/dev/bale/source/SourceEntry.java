package dev.bale.source;

import java.nio.file.Path;

/**
 * One sample of a source dataset.
 *
 * @param file    the image file
 * @param key     its path relative to the source root, '/'-separated: the record's key
 * @param label   the label text (class folder name, or the list file's label)
 * @param origin  where it was listed, for error messages: "list.txt line 12" or the folder
 */
public record SourceEntry(Path file, String key, String label, String origin) {
}

package dev.bale.spark;

import java.io.Serializable;

/**
 * One DataFrame row on its way to its shard: key, class id, bytes; or why it cannot be packed
 * (null bytes, an unknown label), which the pack's bad-input policy then handles.
 */
record FrameRecord(String key, int classId, byte[] bytes, int length, String problem) implements Serializable {

    static FrameRecord of(String key, int classId, byte[] bytes) {
        if (key == null) {
            return new FrameRecord("", 0, null, 0, "no key");
        }
        if (bytes == null || bytes.length == 0) {
            return new FrameRecord(key, 0, null, 0, bytes == null ? "no bytes (null)" : "empty bytes");
        }
        return new FrameRecord(key, classId, bytes, bytes.length, null);
    }

    static FrameRecord bad(String key, String problem) {
        return new FrameRecord(key == null ? "" : key, 0, null, 0, problem);
    }

    FrameRecord withoutBytes() {
        return new FrameRecord(key, classId, null, length, problem);
    }
}

package dev.bale.container;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/** Checks on a container's class ids: the checksum recorded at pack time, and the range. */
public final class ClassIds {
    private ClassIds() {
    }

    /** Length and CRC-32C of the ids as little-endian int32s, as {@link Seal#CLASS_IDS} records them. */
    public static Check check(int[] ids) {
        CRC32C crc = new CRC32C();
        ByteBuffer chunk = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        for (int id : ids) {
            if (!chunk.hasRemaining()) {
                crc.update(chunk.flip());
                chunk.clear();
            }
            chunk.putInt(id);
        }
        crc.update(chunk.flip());
        return new Check(4L * ids.length, (int) crc.getValue());
    }

    /**
     * Refuses class ids that the manifest does not vouch for: against the recorded checksum (when
     * there is one) and each against the class list (when there is one).
     *
     * @param where names the container in messages
     */
    public static void validate(int[] ids, Sealed sealed, Object where) {
        sealed.verify(Seal.CLASS_IDS, check(ids), where + ": class ids");
        int classes = sealed.manifest().classes().size();
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || (classes > 0 && ids[i] >= classes)) {
                throw new CorruptContainerException(where + ": record " + i + ": class id " + ids[i]
                        + " is not in the class list (0.." + (classes - 1) + ")");
            }
        }
    }
}

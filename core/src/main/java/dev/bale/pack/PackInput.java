package dev.bale.pack;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/** What a pack reads: records in order, each loadable from any thread. */
public interface PackInput {

    int size();

    List<String> classes();

    String key(int index);

    int classId(int index);

    /** Where record {@code index} comes from, for messages: "list.txt line 12: a/b.jpg". */
    String describe(int index);

    /** Total bytes expected, or 0 if unknown; sizes LMDB's map. */
    long sizeHint();

    /**
     * The encoded bytes of record {@code index}, owned by the caller. Thread-safe.
     *
     * @throws BadRecordException if the record is missing, unreadable or empty
     */
    ByteBuffer load(int index) throws IOException;

    /**
     * The encoded size of record {@code index} (what a shard size limit counts), 0 when it cannot
     * be read. Inputs that know sizes without reading the bytes override this.
     */
    default long recordBytes(int index) throws IOException {
        try {
            return load(index).remaining();
        } catch (BadRecordException e) {
            return 0;
        }
    }
}

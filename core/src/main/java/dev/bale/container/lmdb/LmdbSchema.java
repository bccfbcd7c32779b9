package dev.bale.container.lmdb;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * How a Bale LMDB environment is laid out. Three named databases:
 * <ul>
 *   <li>{@code images}: key = record index as 8 bytes big-endian (so keys sort in record order and
 *       any LMDB client can compute them), value = the encoded image bytes, untouched;</li>
 *   <li>{@code records}: same key, value = length (u32), CRC-32C (u32), class id (i32), all
 *       little-endian, then the record's key (path) in UTF-8;</li>
 *   <li>{@code bale}: key "manifest", value = the manifest JSON.</li>
 * </ul>
 */
final class LmdbSchema {
    static final String IMAGES = "images";
    static final String RECORDS = "records";
    static final String BALE = "bale";
    static final byte[] MANIFEST_KEY = "manifest".getBytes(StandardCharsets.US_ASCII);
    static final int RECORD_HEADER = 12;
    /** Longest record key (path) accepted; LMDB's own key limit does not apply to values. */
    static final int MAX_KEY_BYTES = 4096;

    private LmdbSchema() {
    }

    static ByteBuffer indexKey(ByteBuffer reuse, int index) {
        reuse.clear();
        reuse.order(ByteOrder.BIG_ENDIAN).putLong(0, index);
        return reuse;
    }

    static ByteBuffer direct(byte[] bytes) {
        return ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
    }
}

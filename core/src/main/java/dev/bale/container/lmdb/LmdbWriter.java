package dev.bale.container.lmdb;

import dev.bale.container.Check;
import dev.bale.container.Checksums;
import dev.bale.container.ClassIds;
import dev.bale.container.ContainerWriter;
import dev.bale.container.Layout;
import dev.bale.container.Manifest;
import dev.bale.container.Seal;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.Txn;

/**
 * Writes an LMDB environment in record order. Writes go in transactions of bounded size; the map
 * grows (doubling) before a transaction could fill it, since LMDB cannot grow inside one.
 */
public final class LmdbWriter implements ContainerWriter {
    private static final long MIN_MAP = 64L << 20;
    private static final long TXN_BYTES = 256L << 20;
    private static final int PAGE = 4096;

    private final Path path;
    private final List<String> classes;
    private final Env<ByteBuffer> env;
    private final Dbi<ByteBuffer> images;
    private final Dbi<ByteBuffer> records;
    private final Dbi<ByteBuffer> bale;
    private final ByteBuffer key = ByteBuffer.allocateDirect(Long.BYTES);
    private ByteBuffer value = ByteBuffer.allocateDirect(1 << 20);
    private ByteBuffer meta = ByteBuffer.allocateDirect(4096).order(ByteOrder.LITTLE_ENDIAN);
    private Txn<ByteBuffer> txn;
    private long mapSize;
    /** An upper bound on the map bytes used so far: each value rounded up to pages, plus B-tree room. */
    private long used;
    private long txnBytes;
    private long sourceBytes;
    private int count;
    /** Over every {@code records} value in record order: what the reader checks at open. */
    private final CRC32C recordsCrc = new CRC32C();
    private long recordsBytes;
    private int[] classIds = new int[1024];

    public LmdbWriter(Path path, List<String> classes, long sizeHint) throws IOException {
        this.path = path;
        this.classes = List.copyOf(classes);
        Files.createDirectory(path);
        this.mapSize = roundToPage(Math.max(MIN_MAP, 2 * sizeHint + MIN_MAP));
        // NOSYNC: one fsync at finish instead of one per transaction.
        this.env = Env.create().setMapSize(mapSize).setMaxDbs(3).open(path.toFile(), EnvFlags.MDB_NOSYNC);
        this.images = env.openDbi(LmdbSchema.IMAGES, DbiFlags.MDB_CREATE);
        this.records = env.openDbi(LmdbSchema.RECORDS, DbiFlags.MDB_CREATE);
        this.bale = env.openDbi(LmdbSchema.BALE, DbiFlags.MDB_CREATE);
        this.txn = env.txnWrite();
    }

    @Override
    public void append(String recordKey, int classId, ByteBuffer data) throws IOException {
        int length = data.remaining();
        byte[] keyBytes = recordKey.getBytes(StandardCharsets.UTF_8);
        if (keyBytes.length > LmdbSchema.MAX_KEY_BYTES) {
            throw new IOException("record " + count + ": key longer than " + LmdbSchema.MAX_KEY_BYTES + " bytes: " + recordKey);
        }
        long cost = roundToPage(length + 64L) + keyBytes.length + 256;
        if (2 * (used + cost) + MIN_MAP > mapSize) {
            grow(2 * (used + cost) + MIN_MAP);
        }
        if (txnBytes > TXN_BYTES) {
            txn.commit();
            txn = env.txnWrite();
            txnBytes = 0;
        }
        // lmdbjava needs direct buffers for both key and value.
        if (value.capacity() < length) {
            value = ByteBuffer.allocateDirect(Math.max(length, value.capacity() * 2));
        }
        value.clear();
        value.put(data.duplicate()).flip();
        images.put(txn, LmdbSchema.indexKey(key, count), value);

        if (meta.capacity() < LmdbSchema.RECORD_HEADER + keyBytes.length) {
            meta = ByteBuffer.allocateDirect(LmdbSchema.RECORD_HEADER + keyBytes.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        }
        meta.clear();
        meta.putInt(length).putInt(Checksums.crc32c(data)).putInt(classId).put(keyBytes).flip();
        records.put(txn, LmdbSchema.indexKey(key, count), meta);
        recordsCrc.update(meta.duplicate());
        recordsBytes += meta.remaining();
        if (count == classIds.length) {
            classIds = java.util.Arrays.copyOf(classIds, count * 2);
        }
        classIds[count] = classId;

        used += cost;
        txnBytes += length;
        sourceBytes += length;
        count++;
    }

    private void grow(long atLeast) {
        txn.commit();
        while (mapSize < atLeast) {
            mapSize *= 2;
        }
        env.setMapSize(mapSize);
        txn = env.txnWrite();
        txnBytes = 0;
    }

    private static long roundToPage(long bytes) {
        return (bytes + PAGE - 1) / PAGE * PAGE;
    }

    @Override
    public void finish() throws IOException {
        Map<String, Check> checks = new LinkedHashMap<>();
        checks.put(LmdbSchema.RECORDS, new Check(recordsBytes, (int) recordsCrc.getValue()));
        checks.put(Seal.CLASS_IDS, ClassIds.check(java.util.Arrays.copyOf(classIds, count)));
        byte[] manifest = Seal.write(Manifest.of(Layout.LMDB, count, classes, sourceBytes), checks)
                .getBytes(StandardCharsets.UTF_8);
        bale.put(txn, LmdbSchema.direct(LmdbSchema.MANIFEST_KEY), LmdbSchema.direct(manifest));
        txn.commit();
        txn = null;
        env.sync(true);
        env.close();
    }

    @Override
    public void close() {
        if (txn != null) {
            txn.abort();
            txn = null;
        }
        if (!env.isClosed()) {
            env.close();
        }
    }
}

package dev.bale.container.lmdb;

import dev.bale.container.Check;
import dev.bale.container.Checksums;
import dev.bale.container.ClassIds;
import dev.bale.container.Container;
import dev.bale.container.Containers;
import dev.bale.container.CorruptContainerException;
import dev.bale.container.Handles;
import dev.bale.container.Layout;
import dev.bale.container.Manifest;
import dev.bale.container.RecordReader;
import dev.bale.container.Seal;
import dev.bale.container.Sealed;
import dev.bale.container.UnchecksummedContainerException;
import java.util.zip.CRC32C;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.lmdbjava.Dbi;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.LmdbException;
import org.lmdbjava.Txn;

/**
 * Reads a Bale LMDB environment, opened read-only and lock-free ({@code MDB_RDONLY_ENV |
 * MDB_NOLOCK | MDB_NOTLS}): nothing writes it while Bale reads, and each reader keeps one read
 * transaction for its lifetime. A value handed out lies inside LMDB's map; before it is handed out
 * its extent is checked against the map and the file, so that a damaged page yields an exception
 * rather than a read outside the mapping.
 */
public final class LmdbContainer implements Container {
    private final Path path;
    private final Env<ByteBuffer> env;
    private final Dbi<ByteBuffer> images;
    private final Dbi<ByteBuffer> records;
    private final Manifest manifest;
    private final int[] classIds;
    private final long mapAddress;
    private final long fileSize;
    private final boolean checksummed;
    /** The environment is closed by the container's close or its last reader's, whichever is later. */
    private final Handles handles;

    private LmdbContainer(Path path, Env<ByteBuffer> env, Dbi<ByteBuffer> images, Dbi<ByteBuffer> records,
                          Sealed sealed, int[] classIds, long mapAddress, long fileSize) {
        this.path = path;
        this.env = env;
        this.images = images;
        this.records = records;
        this.manifest = sealed.manifest();
        this.checksummed = sealed.checksummed();
        this.classIds = classIds;
        this.mapAddress = mapAddress;
        this.fileSize = fileSize;
        this.handles = new Handles(path, env::close);
    }

    public static LmdbContainer open(Path path) throws IOException {
        return open(path, false);
    }

    /** Opens; with {@code acceptUnchecksummed} also a container written before metadata checksums. */
    public static LmdbContainer open(Path path, boolean acceptUnchecksummed) throws IOException {
        if (!java.nio.file.Files.exists(path.resolve("data.mdb"))) {
            throw new CorruptContainerException(path.resolve("data.mdb") + ": missing");
        }
        // Before liblmdb reads a page: it aborts the process, or reads outside the map, on some damage.
        long fileSize = LmdbPageCheck.check(path.resolve("data.mdb"), LmdbPageCheck.Scope.ALL_DATABASES);
        Env<ByteBuffer> env;
        try {
            env = Env.create().setMaxDbs(3).open(path.toFile(),
                    EnvFlags.MDB_RDONLY_ENV, EnvFlags.MDB_NOLOCK, EnvFlags.MDB_NOTLS);
        } catch (LmdbException e) {
            throw new CorruptContainerException(path + ": cannot open LMDB environment: " + e.getMessage(), e);
        }
        try (Txn<ByteBuffer> txn = env.txnRead()) {
            int pageSize = env.stat().pageSize;
            Dbi<ByteBuffer> images = env.openDbi(txn, LmdbSchema.IMAGES.getBytes(StandardCharsets.US_ASCII), null, false);
            Dbi<ByteBuffer> records = env.openDbi(txn, LmdbSchema.RECORDS.getBytes(StandardCharsets.US_ASCII), null, false);
            Dbi<ByteBuffer> bale = env.openDbi(txn, LmdbSchema.BALE.getBytes(StandardCharsets.US_ASCII), null, false);
            ByteBuffer json = bale.get(txn, LmdbSchema.direct(LmdbSchema.MANIFEST_KEY));
            if (json == null) {
                throw new CorruptContainerException(path + ": LMDB environment has no Bale manifest");
            }
            // Before the next get: lmdbjava re-points the same buffer at every value it returns.
            long mapAddress = DirectAddress.mapAddress(json, pageSize);
            long manifestAt = DirectAddress.of(json);
            if (manifestAt < mapAddress + 2L * pageSize || manifestAt + json.remaining() > mapAddress + fileSize) {
                throw new CorruptContainerException(path + ": cannot locate LMDB's map (the manifest's page header "
                        + "names a page outside the file)");
            }
            byte[] manifestBytes = new byte[json.remaining()];
            json.duplicate().get(manifestBytes);
            String where = path + " (database 'bale', key 'manifest')";
            Sealed sealed = Seal.read(manifestBytes, where);
            UnchecksummedContainerException.check(sealed, acceptUnchecksummed, path);
            Manifest manifest = sealed.manifest();
            if (manifest.count() > fileSize / LmdbSchema.RECORD_HEADER) {
                throw new CorruptContainerException(where + ": " + manifest.count() + " records cannot fit in "
                        + fileSize + " bytes");
            }
            int[] classIds = new int[manifest.count()];
            ByteBuffer key = ByteBuffer.allocateDirect(Long.BYTES);
            CRC32C crc = new CRC32C();
            long bytes = 0;
            for (int i = 0; i < classIds.length; i++) {
                ByteBuffer meta = records.get(txn, LmdbSchema.indexKey(key, i));
                if (meta == null || meta.remaining() < LmdbSchema.RECORD_HEADER
                        || meta.remaining() > LmdbSchema.RECORD_HEADER + LmdbSchema.MAX_KEY_BYTES) {
                    throw new CorruptContainerException(path + ": record " + i + ": no valid entry in database 'records'");
                }
                long at = DirectAddress.of(meta);
                if (at < mapAddress || at + meta.remaining() > mapAddress + fileSize) {
                    throw new CorruptContainerException(path + ": record " + i + ": entry in database 'records' lies outside the file");
                }
                classIds[i] = meta.order(ByteOrder.LITTLE_ENDIAN).getInt(8);
                bytes += meta.remaining();
                crc.update(meta.duplicate());
            }
            sealed.verify(LmdbSchema.RECORDS, new Check(bytes, (int) crc.getValue()), path + ": database 'records'");
            ClassIds.validate(classIds, sealed, path);
            // Commit, not just close: ending a transaction by abort (which close does) also closes
            // the database handles opened in it, and every later get would fail with EINVAL.
            txn.commit();
            return new LmdbContainer(path, env, images, records, sealed, classIds, mapAddress, fileSize);
        } catch (LmdbException | CorruptContainerException e) {
            env.close();
            throw e instanceof CorruptContainerException c ? c
                    : new CorruptContainerException(path + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            env.close();
            throw e;
        }
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public Layout layout() {
        return Layout.LMDB;
    }

    @Override
    public Manifest manifest() {
        return manifest;
    }

    @Override
    public int[] classIds() {
        return classIds;
    }

    @Override
    public long bytesOnDisk() {
        return Containers.bytesOnDisk(Layout.LMDB, path);
    }

    @Override
    public boolean metadataChecksummed() {
        return checksummed;
    }

    @Override
    public RecordReader newReader() {
        handles.acquire();
        try {
            return new Reader();
        } catch (RuntimeException e) {
            handles.releaseReader();
            throw e;
        }
    }

    @Override
    public void close() {
        handles.close();
    }

    private final class Reader implements RecordReader {
        private final Txn<ByteBuffer> txn = env.txnRead();
        private final ByteBuffer key = ByteBuffer.allocateDirect(Long.BYTES);
        private boolean closed;

        @Override
        public ByteBuffer read(int i) {
            handles.ensureOpen();
            java.util.Objects.checkIndex(i, classIds.length);
            ByteBuffer meta = get(records, i);
            int length = meta.getInt(0);
            int crc = meta.getInt(4);
            ByteBuffer bytes = get(images, i);
            if (bytes.remaining() != length) {
                throw corrupt(i, "value is " + bytes.remaining() + " bytes, index says " + length);
            }
            if (Checksums.crc32c(bytes) != crc) {
                throw corrupt(i, "checksum mismatch");
            }
            return bytes.asReadOnlyBuffer();
        }

        @Override
        public String key(int i) {
            handles.ensureOpen();
            java.util.Objects.checkIndex(i, classIds.length);
            ByteBuffer meta = get(records, i);
            return StandardCharsets.UTF_8.decode(meta.position(LmdbSchema.RECORD_HEADER)).toString();
        }

        private ByteBuffer get(Dbi<ByteBuffer> dbi, int i) {
            ByteBuffer value;
            try {
                value = dbi.get(txn, LmdbSchema.indexKey(key, i));
            } catch (LmdbException e) {
                throw new CorruptContainerException(path + ": record " + i + ": " + e.getMessage(), e);
            }
            if (value == null) {
                throw new CorruptContainerException(path + ": record " + i + ": missing from database '"
                        + new String(dbi.getName(), StandardCharsets.UTF_8) + "'");
            }
            long address = DirectAddress.of(value);
            if (address < mapAddress || address + value.remaining() > mapAddress + fileSize) {
                throw new CorruptContainerException(path + ": record " + i + ": value lies outside the file");
            }
            if (dbi == records && (value.remaining() < LmdbSchema.RECORD_HEADER
                    || value.remaining() > LmdbSchema.RECORD_HEADER + LmdbSchema.MAX_KEY_BYTES)) {
                throw new CorruptContainerException(path + ": record " + i + ": index entry has an impossible size "
                        + value.remaining());
            }
            return value.order(ByteOrder.LITTLE_ENDIAN);
        }

        private CorruptContainerException corrupt(int i, String what) {
            String name;
            try {
                name = key(i);
            } catch (RuntimeException e) {
                name = "?";
            }
            return new CorruptContainerException(path + ": record " + i + " (" + name + "): " + what);
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                txn.close();
                handles.releaseReader();
            }
        }
    }
}

package dev.bale.dataset;

import dev.bale.container.Checksums;
import dev.bale.container.Container;
import dev.bale.container.Layout;
import dev.bale.container.Manifest;
import dev.bale.container.RecordReader;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;

/**
 * A remote bin shard read by ranged requests ({@code --no-cache}). Its manifest, index and keys are
 * fetched once (small, exact sizes from dataset.json); each record is one ranged GET of
 * {@code data.bin}, checked against the index's CRC-32C: bytes damaged in flight are fetched again,
 * bytes that stay wrong end in a {@code CorruptContainerException} naming shard, record and URL.
 * The index itself cannot be checked against the shard's sha256 without all of {@code data.bin}: its
 * entries are bounds-checked, and a damaged one fails its record's CRC.
 *
 * <p>The bin index format is {@code BinIndex}'s: a 16-byte header (magic "BALEIDX1", u64 count),
 * then per record offset (u64), length (u32), CRC-32C (u32), class id (i32), little-endian.
 */
final class RangeBinShard implements Container {
    private static final byte[] MAGIC = "BALEIDX1".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER = 16;
    private static final int ENTRY = 20;
    /** Records fetched ahead and not yet read, at most (what an abandoned epoch can leave behind). */
    private static final int MAX_PENDING = 4 * RangeShards.IN_FLIGHT;
    static final String DAMAGED = "CRC-32C mismatch";
    /** Cap on a shard's index, keys and manifest (20 bytes a record in the index: 25 M records). */
    private static final long MAX_METADATA = 512L << 20;

    private final int shard;
    private final URI data;
    private final Manifest manifest;
    private final ByteBuffer index;
    private final int count;
    private final int[] classIds;
    private final List<String> keys;
    private final Fetcher fetcher;
    private final ExecutorService requests;
    private final Map<Integer, CompletableFuture<byte[]>> pending = new ConcurrentHashMap<>();
    /** Per record, guarded by this: reads asked for ahead, and reads done; a prefetch after its read is skipped. */
    private final int[] prefetched;
    private final int[] taken;

    private RangeBinShard(int shard, URI data, Manifest manifest, ByteBuffer index, int count, List<String> keys,
                          Fetcher fetcher, ExecutorService requests) {
        this.shard = shard;
        this.data = data;
        this.manifest = manifest;
        this.index = index;
        this.count = count;
        this.keys = keys;
        this.fetcher = fetcher;
        this.requests = requests;
        this.prefetched = new int[count];
        this.taken = new int[count];
        this.classIds = new int[count];
        for (int i = 0; i < count; i++) {
            classIds[i] = index.getInt(HEADER + i * ENTRY + 16);
        }
    }

    static RangeBinShard open(int s, DatasetManifest.Shard entry, URI shardUri, Fetcher fetcher, ExecutorService requests)
            throws IOException {
        URI folder = shardUri.resolve(".");
        String prefix = entry.name() + "/";
        long dataBytes = -1;
        byte[] manifestJson = null;
        byte[] indexBytes = null;
        byte[] keysBytes = null;
        for (DatasetManifest.ShardFile file : entry.files()) {
            String name = file.name().startsWith(prefix) ? file.name().substring(prefix.length()) : file.name();
            switch (name) {
                case "data.bin" -> dataBytes = file.bytes();
                case "manifest.json" -> manifestJson = exact(fetcher, folder.resolve(file.name()), file.bytes(), s);
                case "index.bin" -> indexBytes = exact(fetcher, folder.resolve(file.name()), file.bytes(), s);
                case "keys.txt" -> keysBytes = exact(fetcher, folder.resolve(file.name()), file.bytes(), s);
                default -> {
                    // index.tsv: the same index as text, not needed
                }
            }
        }
        URI data = folder.resolve(prefix + "data.bin");
        if (dataBytes < 0 || manifestJson == null || indexBytes == null || keysBytes == null) {
            throw RangeShards.corrupt(s, shardUri, "dataset.json does not list data.bin, index.bin, keys.txt and manifest.json");
        }
        Manifest manifest = Manifest.fromJson(new String(manifestJson, StandardCharsets.UTF_8), folder.resolve(prefix + "manifest.json").toString());
        ByteBuffer index = ByteBuffer.wrap(indexBytes).order(ByteOrder.LITTLE_ENDIAN);
        if (indexBytes.length < HEADER || !Arrays.equals(Arrays.copyOf(indexBytes, MAGIC.length), MAGIC)) {
            throw RangeShards.corrupt(s, shardUri, "index.bin is not a Bale index");
        }
        long count = index.getLong(8);
        if (count != entry.records() || indexBytes.length != HEADER + count * ENTRY || count != manifest.count()) {
            throw RangeShards.corrupt(s, shardUri, "index.bin holds " + count + " records in " + indexBytes.length
                    + " bytes, dataset.json says " + entry.records());
        }
        for (int i = 0; i < count; i++) {
            long offset = index.getLong(HEADER + i * ENTRY);
            long length = Integer.toUnsignedLong(index.getInt(HEADER + i * ENTRY + 8));
            if (offset < 0 || length > Integer.MAX_VALUE - 8 || offset + length > dataBytes) {
                throw RangeShards.corrupt(s, shardUri, "record " + i + " lies outside data.bin (offset " + offset
                        + ", length " + length + ", file " + dataBytes + " bytes)");
            }
        }
        List<String> keys = new String(keysBytes, StandardCharsets.UTF_8).lines().toList();
        if (keys.size() != count) {
            throw RangeShards.corrupt(s, shardUri, "keys.txt holds " + keys.size() + " keys for " + count + " records");
        }
        return new RangeBinShard(s, data, manifest, index, (int) count, keys, fetcher, requests);
    }

    /** A small file of the shard, whole, by one ranged request of exactly its size in dataset.json (short bodies retried). */
    private static byte[] exact(Fetcher fetcher, URI uri, long bytes, int s) throws IOException {
        if (bytes > MAX_METADATA) {
            throw RangeShards.corrupt(s, uri, "dataset.json gives it " + bytes + " bytes, more than " + MAX_METADATA);
        }
        return bytes == 0 ? new byte[0] : fetcher.getRange(uri, 0, (int) bytes, got -> { });
    }

    /** Starts fetching record {@code i} (a local index), for a reader to take soon. */
    void prefetch(int i) {
        synchronized (this) {
            if (prefetched[i] < taken[i]) {
                prefetched[i] = taken[i]; // a reader was faster and fetched it itself
                return;
            }
            if (prefetched[i] > taken[i] || pending.size() >= MAX_PENDING) {
                return; // on its way already, or enough waiting to be read
            }
            try {
                pending.put(i, CompletableFuture.supplyAsync(() -> {
                    try {
                        return fetch(i);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }, requests));
                prefetched[i]++;
            } catch (RejectedExecutionException e) {
                // Closed meanwhile.
            }
        }
    }

    /** Record {@code i}'s bytes by one ranged request, checked against its CRC-32C (retried while wrong). */
    private byte[] fetch(int i) throws IOException {
        long offset = index.getLong(HEADER + i * ENTRY);
        int length = index.getInt(HEADER + i * ENTRY + 8);
        int crc = index.getInt(HEADER + i * ENTRY + 12);
        if (length == 0) {
            return new byte[0];
        }
        try {
            return fetcher.getRange(data, offset, length, bytes -> {
                if (Checksums.crc32c(ByteBuffer.wrap(bytes)) != crc) {
                    throw Fetcher.damaged(DAMAGED + " (the bytes arrived damaged, or the shard is)");
                }
            });
        } catch (InterruptedIOException e) {
            throw e;
        } catch (IOException e) {
            String what = keys.get(i) + ": " + e.getMessage();
            if (e.getMessage() != null && e.getMessage().contains(DAMAGED)) {
                throw new dev.bale.container.CorruptContainerException(what, e);
            }
            throw new IOException(what, e);
        }
    }

    private byte[] take(int i) {
        java.util.Objects.checkIndex(i, count);
        CompletableFuture<byte[]> ahead;
        synchronized (this) {
            taken[i]++;
            ahead = pending.remove(i);
        }
        try {
            if (ahead != null) {
                return ahead.join();
            }
            return fetch(i);
        } catch (CompletionException e) {
            if (e.getCause() instanceof UncheckedIOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public RecordReader newReader() {
        return new RecordReader() {
            private ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 16);

            @Override
            public ByteBuffer read(int i) {
                byte[] bytes = take(i);
                if (buffer.capacity() < bytes.length) {
                    buffer = ByteBuffer.allocateDirect(Integer.highestOneBit(bytes.length) << 1);
                }
                buffer.clear();
                buffer.put(bytes).flip();
                return buffer; // the decoder needs a direct buffer; valid until this reader's next read
            }

            @Override
            public String key(int i) {
                return keys.get(i);
            }

            @Override
            public void close() {
                // The buffer goes with the reader.
            }
        };
    }

    @Override
    public Path path() {
        return Path.of(data.getPath());
    }

    @Override
    public Layout layout() {
        return Layout.BIN;
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
        return 0;
    }

    @Override
    public void close() {
        pending.values().forEach(f -> f.cancel(true));
        pending.clear();
    }
}

package dev.bale.container.foreign;

import dev.bale.container.Containers;
import dev.bale.container.CorruptContainerException;
import dev.bale.container.Layout;
import dev.bale.container.RawPixels;
import dev.bale.container.RecordReader;
import dev.bale.container.lmdb.DirectAddress;
import dev.bale.container.lmdb.LmdbPageCheck;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.lmdbjava.CursorIterable;
import org.lmdbjava.Dbi;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.KeyRange;
import org.lmdbjava.LmdbException;
import org.lmdbjava.Txn;

/**
 * An LMDB environment written by another tool, opened read-only and lock-free; its unnamed
 * database holds the records. Three kinds of values are told apart by what they hold:
 * <ul>
 * <li>{@link ForeignKind#PICKLE_LMDB}: Python pickles (through {@link SafeUnpickler}), record order
 *     from {@code __keys__}, count from {@code __len__};</li>
 * <li>{@link ForeignKind#CAFFE_LMDB}: {@code caffe.Datum}s, records in key order;</li>
 * <li>{@link ForeignKind#ENCODED_LMDB}: JPEG/PNG bytes, records in key order, labels from a file.</li>
 * </ul>
 * Opening reads every value once (labels and shapes live inside them); a record found damaged then
 * does not stop the open: it is listed, and reading it throws.
 */
final class ForeignLmdb extends ForeignContainer {
    static final byte[] KEYS = "__keys__".getBytes(StandardCharsets.US_ASCII);
    static final byte[] LEN = "__len__".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_KEY = 511;

    private final Env<ByteBuffer> env;
    private final Dbi<ByteBuffer> dbi;
    private final byte[][] keys;
    private final String[] keyNames;
    private final MapBounds bounds;

    private ForeignLmdb(Path path, ForeignKind kind, Env<ByteBuffer> env, Dbi<ByteBuffer> dbi, byte[][] keys,
                        String[] keyNames, ForeignLabels labels, long dataBytes, Description description, MapBounds bounds) {
        super(path, kind, labels, dataBytes, description);
        this.env = env;
        this.dbi = dbi;
        this.keys = keys;
        this.keyNames = keyNames;
        this.bounds = bounds;
    }

    /**
     * Where LMDB mapped data.mdb: every value handed out is checked to lie inside the file, so that a
     * damaged page yields an exception naming the record rather than a read outside the mapping.
     */
    record MapBounds(long start, long size) {
        static MapBounds of(Path path, ByteBuffer valueInMap, int pageSize, long fileSize) {
            long start = DirectAddress.mapAddress(valueInMap, pageSize);
            long at = DirectAddress.of(valueInMap);
            if (at < start + 2L * pageSize || at + valueInMap.remaining() > start + fileSize) {
                throw new CorruptContainerException(path + ": cannot locate LMDB's map (a page header names a page outside the file)");
            }
            return new MapBounds(start, fileSize);
        }

        /** Null when {@code value} lies inside the file, else what is wrong. */
        String check(ByteBuffer value) {
            long at = DirectAddress.of(value);
            return at >= start && at + value.remaining() <= start + size ? null : "value lies outside data.mdb";
        }
    }

    /** Whether the LMDB at {@code path} is one Bale wrote: its main database names Bale's databases. */
    static boolean isBale(Path path) {
        try {
            // Before LMDB touches a page: a truncated file would fault on the first read past its end,
            // and damaged pages can make liblmdb abort the process. Only the main database is read here.
            LmdbPageCheck.check(path.resolve("data.mdb"), LmdbPageCheck.Scope.MAIN_DATABASE);
        } catch (IOException | RuntimeException e) {
            return true; // damaged either way: Bale's reader says how
        }
        try (Env<ByteBuffer> env = openEnv(path); Txn<ByteBuffer> txn = env.txnRead()) {
            Dbi<ByteBuffer> main = env.openDbi((byte[]) null);
            return main.get(txn, direct("bale".getBytes(StandardCharsets.US_ASCII))) != null
                    && main.get(txn, direct("images".getBytes(StandardCharsets.US_ASCII))) != null;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static Env<ByteBuffer> openEnv(Path path) {
        return Env.create().setMaxDbs(1).open(path.toFile(), EnvFlags.MDB_RDONLY_ENV, EnvFlags.MDB_NOLOCK,
                EnvFlags.MDB_NOTLS);
    }

    static ByteBuffer direct(byte[] bytes) {
        return ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
    }

    /** Opens the LMDB at {@code path}; {@code want} is the kind asked for, or null to sniff. */
    static ForeignLmdb open(Path path, ForeignKind want, Path labelsFile) throws IOException {
        if (!Files.isDirectory(path) || !Files.exists(path.resolve("data.mdb"))) {
            throw new NotThisKind("not an LMDB environment (no data.mdb)");
        }
        // Only the unnamed database is read here: named ones (if any) stay untouched, unchecked.
        long fileSize = LmdbPageCheck.check(path.resolve("data.mdb"), LmdbPageCheck.Scope.MAIN_DATABASE);
        Env<ByteBuffer> env;
        try {
            env = openEnv(path);
        } catch (LmdbException e) {
            throw new NotThisKind("cannot open as LMDB: " + e.getMessage());
        }
        try {
            return open(path, want, labelsFile, env, fileSize);
        } catch (LmdbException e) {
            env.close();
            throw new CorruptContainerException(path + ": " + e.getMessage(), e);
        } catch (RuntimeException | IOException e) {
            env.close();
            throw e;
        }
    }

    private static ForeignLmdb open(Path path, ForeignKind want, Path labelsFile, Env<ByteBuffer> env, long fileSize)
            throws IOException {
        Dbi<ByteBuffer> dbi;
        try (Txn<ByteBuffer> txn = env.txnRead()) {
            dbi = env.openDbi((byte[]) null);
            txn.commit();
        }
        try (Txn<ByteBuffer> txn = env.txnRead()) {
            MapBounds bounds;
            try (CursorIterable<ByteBuffer> all = dbi.iterate(txn, KeyRange.all())) {
                var first = all.iterator();
                if (!first.hasNext()) {
                    throw new NotThisKind("an empty LMDB environment");
                }
                bounds = MapBounds.of(path, first.next().val(), env.stat().pageSize, fileSize);
            }
            ByteBuffer keysValue = dbi.get(txn, direct(KEYS));
            ForeignKind kind = want;
            Description description = new Description();
            if (kind == null) {
                if (keysValue != null) {
                    kind = ForeignKind.PICKLE_LMDB;
                } else {
                    kind = sniffValues(env, dbi, txn, description);
                }
            }
            return switch (kind) {
                case PICKLE_LMDB -> openPickled(path, env, dbi, txn, description, bounds);
                case CAFFE_LMDB, ENCODED_LMDB -> openByKeyOrder(path, kind, env, dbi, txn, labelsFile, description, bounds);
                default -> throw new NotThisKind("an LMDB environment, not " + kind.id());
            };
        }
    }

    private static ForeignKind sniffValues(Env<ByteBuffer> env, Dbi<ByteBuffer> dbi, Txn<ByteBuffer> txn,
                                           Description description) {
        try (CursorIterable<ByteBuffer> all = dbi.iterate(txn, KeyRange.all())) {
            for (CursorIterable.KeyVal<ByteBuffer> kv : all) {
                ByteBuffer value = kv.val();
                String format = encodedFormat(value);
                if (!"unknown".equals(format)) {
                    return ForeignKind.ENCODED_LMDB;
                }
                if (value.remaining() > 2 && (value.get(value.position()) & 0xFF) == 0x80) {
                    return ForeignKind.PICKLE_LMDB;
                }
                try {
                    CaffeDatum d = CaffeDatum.parse(value);
                    if (d.dataOffset >= 0 && (d.encoded || (long) d.channels * d.height * d.width == d.dataLength)) {
                        return ForeignKind.CAFFE_LMDB;
                    }
                } catch (IOException e) {
                    // not a Datum either
                }
                throw new NotThisKind("an LMDB environment whose first value (key " + keyText(kv.key()) + ", "
                        + value.remaining() + " bytes) is neither JPEG/PNG, a pickle, nor a caffe.Datum, and there is no __keys__");
            }
        }
        throw new NotThisKind("an empty LMDB environment");
    }

    private static ForeignLmdb openPickled(Path path, Env<ByteBuffer> env, Dbi<ByteBuffer> dbi, Txn<ByteBuffer> txn,
                                           Description description, MapBounds bounds) {
        SafeUnpickler unpickler = new SafeUnpickler();
        ByteBuffer keysValue = dbi.get(txn, direct(KEYS));
        if (keysValue == null) {
            throw new CorruptContainerException(path + ": pickled LMDB without __keys__ (the list of keys in record order)");
        }
        if (bounds.check(keysValue) != null) {
            throw new CorruptContainerException(path + ": __keys__: " + bounds.check(keysValue));
        }
        Object keyList = unpickle(unpickler, keysValue, path + ": __keys__");
        if (!(keyList instanceof List<?> list)) {
            throw new CorruptContainerException(path + ": __keys__ is not a pickled list");
        }
        ByteBuffer lenValue = dbi.get(txn, direct(LEN));
        if (lenValue != null && bounds.check(lenValue) != null) {
            throw new CorruptContainerException(path + ": __len__: " + bounds.check(lenValue));
        }
        if (lenValue != null) {
            Object len = unpickle(unpickler, lenValue, path + ": __len__");
            if (!(len instanceof Number n) || n.longValue() != list.size()) {
                throw new CorruptContainerException(path + ": __len__ is " + len + " but __keys__ lists " + list.size() + " keys");
            }
        }
        int count = list.size();
        byte[][] keys = new byte[count][];
        String[] names = new String[count];
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < count; i++) {
            Object k = list.get(i);
            byte[] key = k instanceof ByteBuffer b ? bytesOf(b) : k instanceof byte[] b ? b
                    : k instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : null;
            if (key == null || key.length == 0 || key.length > MAX_KEY) {
                throw new CorruptContainerException(path + ": record " + i + ": __keys__ item is not a key (" + k + ")");
            }
            keys[i] = key;
            names[i] = new String(key, StandardCharsets.UTF_8);
            if (!seen.add(names[i])) {
                throw new CorruptContainerException(path + ": record " + i + " (" + names[i] + "): key listed twice in __keys__");
            }
        }
        List<String> labels = new ArrayList<>(count);
        Set<String> classes = new java.util.TreeSet<>();
        long total = 0;
        ByteBuffer keyBuffer = ByteBuffer.allocateDirect(MAX_KEY);
        for (int i = 0; i < count; i++) {
            ByteBuffer value = dbi.get(txn, keyBuffer.clear().put(keys[i]).flip());
            if (value == null) {
                throw new CorruptContainerException(path + ": record " + i + " (" + names[i]
                        + "): key listed in __keys__ is not in the database");
            }
            description.key(names[i]);
            try {
                if (bounds.check(value) != null) {
                    throw new CorruptContainerException(bounds.check(value));
                }
                PickledImage image = PickledImage.of(unpickle(unpickler, value, null));
                labels.add(image.label());
                classes.add(image.className());
                total += image.pixels().remaining();
                description.format(image.raw() == null ? encodedFormat(image.pixels()) : image.raw().toString());
            } catch (CorruptContainerException | PickleRefusedException e) {
                labels.add(null);
                description.bad("record " + i + " (" + names[i] + "): " + e.getMessage());
            }
        }
        description.evidence = "LMDB with __keys__" + (lenValue != null ? "/__len__" : "") + " and pickled "
                + (classes.isEmpty() ? "values" : "objects of class " + String.join(", ", classes));
        return new ForeignLmdb(path, ForeignKind.PICKLE_LMDB, env, dbi, keys, names, ForeignLabels.of(labels), total,
                description, bounds);
    }

    private static ForeignLmdb openByKeyOrder(Path path, ForeignKind kind, Env<ByteBuffer> env, Dbi<ByteBuffer> dbi,
                                              Txn<ByteBuffer> txn, Path labelsFile, Description description,
                                              MapBounds bounds)
            throws IOException {
        List<byte[]> keys = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        long total = 0;
        boolean caffeKeys = true;
        try (CursorIterable<ByteBuffer> all = dbi.iterate(txn, KeyRange.all())) {
            for (CursorIterable.KeyVal<ByteBuffer> kv : all) {
                int i = keys.size();
                byte[] key = new byte[kv.key().remaining()];
                kv.key().duplicate().get(key);
                String name = new String(key, StandardCharsets.UTF_8);
                keys.add(key);
                ByteBuffer value = kv.val();
                if (bounds.check(value) != null) {
                    throw new CorruptContainerException(path + ": record " + i + " (" + name + "): " + bounds.check(value));
                }
                if (kind == ForeignKind.CAFFE_LMDB) {
                    boolean numbered = name.length() > 9 && name.charAt(8) == '_' && name.substring(0, 8).chars().allMatch(Character::isDigit);
                    caffeKeys &= numbered;
                    name = numbered ? name.substring(9) : name;
                    try {
                        DatumView view = DatumView.of(value);
                        labels.add(view.datum.hasLabel ? Integer.toString(view.datum.label) : null);
                        total += view.datum.dataLength;
                        description.format(view.raw == null ? encodedFormat(view.slice(value)) : view.raw.toString());
                    } catch (CorruptContainerException e) {
                        labels.add(null);
                        description.bad("record " + i + " (" + name + "): " + e.getMessage());
                    }
                } else {
                    total += value.remaining();
                    String format = encodedFormat(value);
                    description.format(format);
                    if ("unknown".equals(format)) {
                        description.bad("record " + i + " (" + name + "): value is not a JPEG or PNG");
                    }
                }
                names.add(name);
                description.key(name);
            }
        }
        if (kind == ForeignKind.ENCODED_LMDB) {
            labels = labelsFor(labelsFile, keys.size());
        }
        description.evidence = kind == ForeignKind.CAFFE_LMDB
                ? "LMDB of caffe.Datum values" + (caffeKeys ? ", keys %08d_<path> as convert_imageset writes" : "")
                + "; records in key order"
                : "LMDB of encoded images (values start with JPEG/PNG signatures), no __keys__; records in key order, "
                + (labelsFile != null ? "labels from " + labelsFile : "no labels (give --labels FILE)");
        return new ForeignLmdb(path, kind, env, dbi, keys.toArray(byte[][]::new), names.toArray(String[]::new),
                ForeignLabels.of(labels), total, description, bounds);
    }

    private static List<String> labelsFor(Path labelsFile, int count) throws IOException {
        List<String> labels = new ArrayList<>(count);
        if (labelsFile == null) {
            for (int i = 0; i < count; i++) {
                labels.add(null);
            }
            return labels;
        }
        List<String> lines = Files.readAllLines(labelsFile, StandardCharsets.UTF_8);
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        if (lines.size() != count) {
            throw new CorruptContainerException(labelsFile + ": " + lines.size() + " labels for " + count + " records");
        }
        return lines;
    }

    private static Object unpickle(SafeUnpickler unpickler, ByteBuffer value, String where) {
        try {
            return unpickler.load(value);
        } catch (PickleRefusedException e) {
            throw where == null ? e : new CorruptContainerException(where + ": refused: " + e.getMessage());
        } catch (IOException | RuntimeException e) {
            String message = "not a readable pickle: " + e.getMessage();
            throw where == null ? new CorruptContainerException(message) : new CorruptContainerException(where + ": " + message);
        }
    }

    private static byte[] bytesOf(ByteBuffer view) {
        byte[] out = new byte[view.remaining()];
        view.duplicate().get(out);
        return out;
    }

    private static String keyText(ByteBuffer key) {
        byte[] bytes = new byte[Math.min(key.remaining(), 64)];
        key.duplicate().get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** A Datum and where its image bytes lie; raw Datums are CHW BGR. */
    private record DatumView(CaffeDatum datum, RawPixels raw) {
        static DatumView of(ByteBuffer value) {
            CaffeDatum d;
            try {
                d = CaffeDatum.parse(value);
            } catch (IOException e) {
                throw new CorruptContainerException("not a caffe.Datum: " + e.getMessage());
            }
            if (d.dataOffset < 0 || d.dataLength == 0) {
                throw new CorruptContainerException(d.floatData ? "Datum holds float_data, not uint8 data"
                        : "Datum has no data");
            }
            if (d.encoded) {
                return new DatumView(d, null);
            }
            RawPixels raw;
            try {
                raw = new RawPixels(d.height, d.width, d.channels, true, true);
            } catch (IllegalArgumentException e) {
                throw new CorruptContainerException("Datum shape: " + e.getMessage());
            }
            if (raw.bytes() != d.dataLength) {
                throw new CorruptContainerException("Datum says " + d.channels + "x" + d.height + "x" + d.width + " ("
                        + raw.bytes() + " bytes) but holds " + d.dataLength + " bytes of data");
            }
            return new DatumView(d, raw);
        }

        ByteBuffer slice(ByteBuffer value) {
            return value.slice(value.position() + datum.dataOffset, datum.dataLength);
        }
    }

    @Override
    public long bytesOnDisk() {
        return Containers.bytesOnDisk(Layout.LMDB, path);
    }

    @Override
    public RecordReader newReader() {
        return new Reader();
    }

    @Override
    public void close() {
        env.close();
    }

    private final class Reader implements RecordReader {
        private final Txn<ByteBuffer> txn = env.txnRead();
        private final ByteBuffer key = ByteBuffer.allocateDirect(MAX_KEY);
        private final SafeUnpickler unpickler = kind() == ForeignKind.PICKLE_LMDB ? new SafeUnpickler() : null;
        private ByteBuffer copy = ByteBuffer.allocateDirect(1 << 16);
        private RawPixels raw;

        @Override
        public ByteBuffer read(int i) {
            java.util.Objects.checkIndex(i, keys.length);
            raw = null;
            ByteBuffer value;
            try {
                value = dbi.get(txn, key.clear().put(keys[i]).flip());
            } catch (LmdbException e) {
                throw corrupt(i, keyNames[i], e.getMessage());
            }
            if (value == null) {
                throw corrupt(i, keyNames[i], "key is missing from the database");
            }
            String outside = bounds.check(value);
            if (outside != null) {
                throw corrupt(i, keyNames[i], outside);
            }
            try {
                return switch (kind()) {
                    case PICKLE_LMDB -> {
                        PickledImage image = PickledImage.of(unpickle(unpickler, value, null));
                        raw = image.raw();
                        ByteBuffer pixels = image.pixels();
                        if (pixels.isDirect()) {
                            yield pixels.asReadOnlyBuffer(); // inside LMDB's map: no copy
                        }
                        // Protocol 2 pickles bytes as text: they were decoded into a new array.
                        if (copy.capacity() < pixels.remaining()) {
                            copy = ByteBuffer.allocateDirect(Math.max(pixels.remaining(), copy.capacity() * 2));
                        }
                        copy.clear();
                        copy.put(pixels.duplicate()).flip();
                        yield copy.asReadOnlyBuffer();
                    }
                    case CAFFE_LMDB -> {
                        DatumView view = DatumView.of(value);
                        raw = view.raw;
                        yield view.slice(value).asReadOnlyBuffer();
                    }
                    default -> {
                        if (!value.hasRemaining()) {
                            throw new CorruptContainerException("empty value");
                        }
                        yield value.asReadOnlyBuffer();
                    }
                };
            } catch (CorruptContainerException | PickleRefusedException e) {
                throw corrupt(i, keyNames[i], (e instanceof PickleRefusedException ? "pickle refused: " : "")
                        + e.getMessage());
            }
        }

        @Override
        public RawPixels rawPixels() {
            return raw;
        }

        @Override
        public String key(int i) {
            return keyNames[java.util.Objects.checkIndex(i, keyNames.length)];
        }

        @Override
        public void close() {
            txn.close();
        }
    }

}

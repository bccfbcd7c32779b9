package dev.bale.container.lmdb;

import dev.bale.container.Container;
import dev.bale.container.Containers;
import dev.bale.container.CorruptContainerException;
import dev.bale.container.RecordReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.lmdbjava.CursorIterable;
import org.lmdbjava.Dbi;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.KeyRange;
import org.lmdbjava.Txn;

/**
 * The child JVM of {@link LmdbDeepDamageTest}: opens each container named on the command line the
 * way a user would ({@link Containers#open}), reads every record, and prints one line per
 * container: {@code RESULT TAB i TAB OK|CORRUPT|OTHER TAB message}. A liblmdb abort ends the JVM
 * after {@code START TAB i}; the parent reports that case.
 */
public final class LmdbOpenChild {
    private LmdbOpenChild() {
    }

    public static void main(String[] args) {
        boolean raw = args.length > 0 && args[0].equals("--raw");
        String[] paths = raw ? java.util.Arrays.copyOfRange(args, 1, args.length) : args;
        for (int i = 0; i < paths.length; i++) {
            System.out.println("START\t" + i);
            System.out.flush();
            if (raw) {
                System.out.println("RESULT\t" + i + "\t" + readRaw(Path.of(paths[i])));
                System.out.flush();
                continue;
            }
            String result;
            try (Container container = Containers.open(Path.of(paths[i]));
                 RecordReader reader = container.newReader()) {
                for (int r = 0; r < container.size(); r++) {
                    reader.read(r);
                    reader.key(r);
                }
                result = "OK\t" + container.size() + " records";
            } catch (CorruptContainerException e) {
                result = "CORRUPT\t" + oneLine(e.getMessage());
            } catch (Exception | Error e) {
                result = "OTHER\t" + oneLine(e.toString());
            }
            System.out.println("RESULT\t" + i + "\t" + result);
            System.out.flush();
        }
    }

    /**
     * {@code --raw}: what liblmdb does without Bale's checks, for the test that shows the damage
     * matters: every database read by cursor and by key, every key and value byte touched.
     */
    private static String readRaw(Path path) {
        try (Env<ByteBuffer> env = Env.create().setMaxDbs(8).open(path.toFile(), EnvFlags.MDB_RDONLY_ENV,
                EnvFlags.MDB_NOLOCK, EnvFlags.MDB_NOTLS); Txn<ByteBuffer> txn = env.txnRead()) {
            Dbi<ByteBuffer> main = env.openDbi((byte[]) null);
            List<Dbi<ByteBuffer>> dbis = new ArrayList<>(List.of(main));
            for (String name : List.of(LmdbSchema.IMAGES, LmdbSchema.RECORDS, LmdbSchema.BALE)) {
                if (main.get(txn, LmdbSchema.direct(name.getBytes(StandardCharsets.US_ASCII))) != null) {
                    dbis.add(env.openDbi(txn, name.getBytes(StandardCharsets.US_ASCII), null, false));
                }
            }
            long sum = 0;
            for (Dbi<ByteBuffer> dbi : dbis) {
                try (CursorIterable<ByteBuffer> all = dbi.iterate(txn, KeyRange.all())) {
                    for (CursorIterable.KeyVal<ByteBuffer> kv : all) {
                        ByteBuffer key = ByteBuffer.allocateDirect(kv.key().remaining()).put(kv.key().duplicate()).flip();
                        ByteBuffer value = kv.val();
                        for (int b = value.position(); b < value.limit(); b++) {
                            sum += value.get(b);
                        }
                        sum += dbi.get(txn, key) == null ? 0 : 1;
                    }
                }
            }
            return "OK\tread, checksum " + sum;
        } catch (RuntimeException e) {
            return "ERROR\t" + oneLine(e.toString());
        }
    }

    private static String oneLine(String text) {
        return String.valueOf(text).replaceAll("[\t\r\n]", " ");
    }
}

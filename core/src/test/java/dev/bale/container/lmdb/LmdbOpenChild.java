package dev.bale.container.lmdb;

import dev.bale.container.Container;
import dev.bale.container.Containers;
import dev.bale.container.CorruptContainerException;
import dev.bale.container.RecordReader;
import java.nio.file.Path;

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
        for (int i = 0; i < args.length; i++) {
            System.out.println("START\t" + i);
            System.out.flush();
            String result;
            try (Container container = Containers.open(Path.of(args[i]));
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

    private static String oneLine(String text) {
        return String.valueOf(text).replaceAll("[\t\r\n]", " ");
    }
}

package dev.bale.pack;

import java.io.IOException;
import java.util.ServiceLoader;

/**
 * Something other than this JVM's threads that packs a source into a sharded dataset, found by name
 * on the class path ({@link ServiceLoader}): the Spark job of the bale-spark module is "spark". The
 * result must be what {@link ShardedPacker#pack} writes for the same source and plan, byte for byte.
 */
public interface PackEngine {

    /** The name {@code bale pack --engine NAME} selects. */
    String name();

    /** Packs {@code request}; progress goes to {@code listener} as for a local pack. */
    PackResult pack(Request request, PackListener listener) throws IOException;

    /**
     * What to pack, as the command line gives it.
     *
     * @param source     a folder of class folders, or with {@code list} the root of the listed paths; a
     *                   path or a URI the engine understands (hdfs://, s3a://)
     * @param list       the list file, or null
     * @param output     the dataset folder to write
     * @param options    layout, reader threads, bad-input policy, force
     * @param shards     the shard count, or 0 when {@code shardBytes} is given
     * @param shardBytes the record bytes per shard, or 0 when {@code shards} is given
     * @param master     where the engine runs (Spark's master URL: "local[4]", "yarn", ...)
     */
    record Request(String source, String list, String output, PackOptions options, int shards, long shardBytes,
                   String master) {
    }

    /** The engine called {@code name}; the error names the module that provides it when it is missing. */
    static PackEngine named(String name) {
        for (PackEngine engine : ServiceLoader.load(PackEngine.class)) {
            if (engine.name().equals(name)) {
                return engine;
            }
        }
        String module = name.equals("spark") ? "the bale-spark module (spark/) and Spark's jars are not on the class path"
                : "no module on the class path provides it";
        throw new IllegalArgumentException("pack engine '" + name + "' is not available: " + module);
    }
}

package dev.bale.dataset;

import java.io.IOException;
import java.nio.file.Path;

/** Where a dataset's shards live: a local folder, or a remote store read through the local cache. */
public interface ShardStore extends AutoCloseable {

    /**
     * The local main path of shard {@code shard}, complete and checked, fetching it first if it is
     * remote. The shard stays pinned (never evicted) until {@link #release}.
     *
     * @throws IOException naming the shard and where it comes from when it cannot be had
     */
    Path acquire(int shard) throws IOException;

    /** Ends one {@link #acquire} of the shard. */
    void release(int shard);

    /** Where the shard comes from, for messages: a path or a URL. */
    String describe(int shard);

    /** Whether acquiring shards is cheap (local disk): a dataset then opens them all at once. */
    boolean local();

    @Override
    void close();
}

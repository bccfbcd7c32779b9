package dev.bale.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options for datasets behind a URL, shared by every command that opens one. They override the BALE_* variables. */
final class RemoteMixin {
    @Option(names = "--cache", paramLabel = "DIR", description = "Shard cache for remote datasets (default: $BALE_CACHE or ~/.cache/bale).")
    Path cache;

    @Option(names = "--cache-limit", paramLabel = "SIZE", description = "Most bytes the shard cache may hold, e.g. 50GB (default: $BALE_CACHE_LIMIT, else no limit).")
    String cacheLimit;

    @Option(names = "--endpoint", paramLabel = "URL",
            description = "S3-compatible endpoint for s3:// datasets, path-style (default: $BALE_S3_ENDPOINT, else AWS).")
    String endpoint;

    @Option(names = "--allow-other-hosts", description = "Let dataset.json name shards on other hosts than its own.")
    boolean allowOtherHosts;

    @Option(names = "--no-cache", description = "Read records of a remote dataset by ranged requests instead of caching "
            + "whole shards (bin datasets; each record checked against its CRC-32C).")
    boolean noCache;

    /** Hands the options to {@code RemoteOptions.fromEnvironment()}, which reads these properties first. */
    void apply() {
        if (cache != null) {
            System.setProperty("bale.cache", cache.toString());
        }
        if (cacheLimit != null) {
            System.setProperty("bale.cache.limit", cacheLimit);
        }
        if (endpoint != null) {
            System.setProperty("bale.s3.endpoint", endpoint);
        }
        if (allowOtherHosts) {
            System.setProperty("bale.allowOtherHosts", "true");
        }
        if (noCache) {
            System.setProperty("bale.noCache", "true");
        }
    }
}

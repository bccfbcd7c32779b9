package dev.bale.dataset;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How remote datasets are read.
 *
 * @param cache           the local shard cache folder, shared by every process on the machine
 * @param cacheLimit      bytes the cache may hold; least recently used shards not in use are evicted
 *                        to stay under it (only shards in use can take it past the limit)
 * @param allowOtherHosts whether dataset.json may name shards on another host than its own
 * @param attempts        tries per request before an error (retries back off exponentially)
 * @param timeout         connect and per-request timeout
 * @param s3Endpoint      an S3-compatible endpoint URL (path-style access), or null for AWS
 * @param noCache         read records by ranged requests (bin datasets only) instead of caching whole shards
 */
public record RemoteOptions(Path cache, long cacheLimit, boolean allowOtherHosts, int attempts, Duration timeout,
                            String s3Endpoint, boolean noCache) {

    public RemoteOptions(Path cache, long cacheLimit, boolean allowOtherHosts, int attempts, Duration timeout,
                         String s3Endpoint) {
        this(cache, cacheLimit, allowOtherHosts, attempts, timeout, s3Endpoint, false);
    }

    public RemoteOptions {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1");
        }
        if (cacheLimit < 1) {
            throw new IllegalArgumentException("cache limit must be positive");
        }
    }

    /**
     * From system properties, then the environment: {@code bale.cache} / {@code BALE_CACHE}
     * (default {@code ~/.cache/bale}), {@code bale.cache.limit} / {@code BALE_CACHE_LIMIT} (a size
     * such as 50GB; default unlimited), {@code bale.allowOtherHosts} / {@code BALE_ALLOW_OTHER_HOSTS},
     * {@code bale.s3.endpoint} / {@code BALE_S3_ENDPOINT}, {@code bale.noCache} / {@code BALE_NO_CACHE}.
     */
    public static RemoteOptions fromEnvironment() {
        String cache = setting("bale.cache", "BALE_CACHE");
        String limit = setting("bale.cache.limit", "BALE_CACHE_LIMIT");
        return new RemoteOptions(
                cache != null ? Path.of(cache) : Path.of(System.getProperty("user.home"), ".cache", "bale"),
                limit != null ? ShardPlan.parseSize(limit) : Long.MAX_VALUE,
                Boolean.parseBoolean(setting("bale.allowOtherHosts", "BALE_ALLOW_OTHER_HOSTS")),
                5, Duration.ofSeconds(30), setting("bale.s3.endpoint", "BALE_S3_ENDPOINT"),
                Boolean.parseBoolean(setting("bale.noCache", "BALE_NO_CACHE")));
    }

    private static String setting(String property, String variable) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = System.getenv(variable);
        }
        return value == null || value.isBlank() ? null : value;
    }

    public RemoteOptions withCache(Path cache, long cacheLimit) {
        return new RemoteOptions(cache, cacheLimit, allowOtherHosts, attempts, timeout, s3Endpoint, noCache);
    }

    public RemoteOptions withAllowOtherHosts(boolean allow) {
        return new RemoteOptions(cache, cacheLimit, allow, attempts, timeout, s3Endpoint, noCache);
    }

    public RemoteOptions withAttempts(int attempts, Duration timeout) {
        return new RemoteOptions(cache, cacheLimit, allowOtherHosts, attempts, timeout, s3Endpoint, noCache);
    }

    public RemoteOptions withS3Endpoint(String endpoint) {
        return new RemoteOptions(cache, cacheLimit, allowOtherHosts, attempts, timeout, endpoint, noCache);
    }

    /** Records by ranged requests, nothing cached ({@code --no-cache}): bin datasets only. */
    public RemoteOptions withNoCache(boolean noCache) {
        return new RemoteOptions(cache, cacheLimit, allowOtherHosts, attempts, timeout, s3Endpoint, noCache);
    }
}

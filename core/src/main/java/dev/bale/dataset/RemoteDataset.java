package dev.bale.dataset;

import dev.bale.container.CorruptContainerException;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/** Opens a dataset.json behind a URL: the manifest is fetched (never cached), shards go through the cache. */
final class RemoteDataset {
    private RemoteDataset() {
    }

    static ShardedContainer open(String url, RemoteOptions options) throws IOException {
        URI manifestUri;
        try {
            manifestUri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IOException(url + ": not a valid URL: " + e.getMessage());
        }
        Fetcher fetcher = fetcher(manifestUri, options);
        try {
            byte[] json = fetcher.get(manifestUri, DatasetManifest.MAX_BYTES);
            DatasetManifest manifest = DatasetManifest.fromJson(new String(json, StandardCharsets.UTF_8), url);
            URI[] shardUris = new URI[manifest.shards().size()];
            for (int s = 0; s < shardUris.length; s++) {
                shardUris[s] = shardUri(manifestUri, manifest.shards().get(s), s, options.allowOtherHosts());
            }
            if (options.noCache()) {
                return new ShardedContainer(url, Path.of(options.cache().toString()), manifest,
                        new RangeShards(manifest, shardUris, fetcher));
            }
            ShardCache cache = new ShardCache(options.cache(), options.cacheLimit());
            return new ShardedContainer(url, Path.of(options.cache().toString()), manifest,
                    new RemoteShards(manifest, shardUris, fetcher, cache));
        } catch (IOException | RuntimeException e) {
            fetcher.close();
            throw e;
        }
    }

    static Fetcher fetcher(URI uri, RemoteOptions options) {
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        return switch (scheme) {
            case "http", "https" -> new HttpFetcher(options.attempts(), options.timeout());
            case "s3" -> new S3Fetcher(options);
            default -> throw new IllegalArgumentException(uri + ": scheme " + scheme + " is not supported (http, https, s3)");
        };
    }

    /** A shard's URL: relative to dataset.json's folder, or absolute on the same host unless allowed. */
    static URI shardUri(URI manifest, DatasetManifest.Shard shard, int s, boolean allowOtherHosts) {
        URI uri = manifest.resolve(shard.path());
        boolean sameHost = Objects.equals(uri.getScheme(), manifest.getScheme())
                && Objects.equals(uri.getRawAuthority(), manifest.getRawAuthority());
        if (!sameHost && !allowOtherHosts) {
            throw new CorruptContainerException(manifest + ": shard " + s + " is on another host (" + uri
                    + "); allow that explicitly (--allow-other-hosts, BALE_ALLOW_OTHER_HOSTS=true)");
        }
        return uri;
    }
}

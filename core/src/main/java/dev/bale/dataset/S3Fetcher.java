package dev.bale.dataset;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.retries.DefaultRetryStrategy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * s3://bucket/key through the AWS SDK v2. Region and credentials come from the SDK's standard
 * chains (environment, system properties, profile, instance role); an endpoint
 * ({@code --endpoint}, {@code BALE_S3_ENDPOINT}) selects an S3-compatible store with path-style
 * access. The SDK's own retries are off: {@link Retries} covers failures mid-body too.
 */
final class S3Fetcher implements Fetcher {
    private final S3Client s3;
    private final int attempts;

    S3Fetcher(RemoteOptions options) {
        S3ClientBuilder builder = S3Client.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder().connectionTimeout(options.timeout())
                        .socketTimeout(options.timeout()))
                .overrideConfiguration(o -> o.retryStrategy(DefaultRetryStrategy.doNotRetry()));
        Region region;
        try {
            region = new DefaultAwsRegionProviderChain().getRegion();
        } catch (SdkClientException e) {
            region = Region.US_EAST_1; // S3-compatible stores ignore it; AWS redirects to the bucket's own
        }
        builder.region(region);
        if (options.s3Endpoint() != null) {
            builder.endpointOverride(URI.create(options.s3Endpoint())).forcePathStyle(true);
        }
        this.s3 = builder.build();
        this.attempts = options.attempts();
    }

    private ResponseInputStream<GetObjectResponse> open(URI uri) throws IOException {
        return open(uri, null);
    }

    private ResponseInputStream<GetObjectResponse> open(URI uri, String range) throws IOException {
        String key = uri.getPath().startsWith("/") ? uri.getPath().substring(1) : uri.getPath();
        try {
            return s3.getObject(GetObjectRequest.builder().bucket(uri.getHost()).key(key).range(range).build());
        } catch (S3Exception e) {
            throw Retries.Failure.status(e.statusCode());
        } catch (SdkClientException e) {
            throw new IOException(e.getMessage(), e); // connection trouble: retried
        }
    }

    @Override
    public byte[] get(URI uri, long maxBytes) throws IOException {
        return Retries.run("GET " + uri, attempts, () -> {
            try (ResponseInputStream<GetObjectResponse> in = open(uri)) {
                byte[] bytes = Streams.readCapped(in, maxBytes);
                // The SDK's stream can end early without an error when the connection drops mid-body.
                Long length = in.response().contentLength();
                if (length != null && bytes.length != length) {
                    throw new Retries.Failure("short body: " + bytes.length + " of " + length + " bytes", true);
                }
                return bytes;
            }
        });
    }

    @Override
    public void download(URI uri, Path target, long bytes) throws IOException {
        Retries.run("GET " + uri, attempts, () -> {
            try (InputStream in = open(uri)) {
                Streams.copyExactly(in, target, bytes);
            }
            return null;
        });
    }

    @Override
    public byte[] getRange(URI uri, long offset, int length, RangeCheck check) throws IOException {
        String range = "bytes=" + offset + "-" + (offset + length - 1);
        return Retries.run("GET " + uri + " (" + range + ")", attempts, () -> {
            try (InputStream in = open(uri, range)) {
                byte[] bytes = Streams.readExactly(in, length);
                check.check(bytes);
                return bytes;
            }
        });
    }

    @Override
    public void close() {
        s3.close();
    }
}

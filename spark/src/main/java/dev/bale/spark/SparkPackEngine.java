package dev.bale.spark;

import dev.bale.pack.PackEngine;
import dev.bale.pack.PackListener;
import dev.bale.pack.PackResult;
import java.io.IOException;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.spark.sql.SparkSession;

/**
 * {@code bale pack ... --engine spark --master URL}: the pack job run from the command line, on a
 * session this JVM starts ({@code local[N]}: inside it) and stops when done. Spark's own logging is
 * then cut to warnings: the command's output stays the command's.
 */
public final class SparkPackEngine implements PackEngine {

    @Override
    public String name() {
        return "spark";
    }

    @Override
    public PackResult pack(Request request, PackListener listener) throws IOException {
        // In a JVM that already runs Spark (a notebook, a test), the pack joins its session and leaves it running.
        boolean joined = SparkSession.getDefaultSession().isDefined();
        if (!joined) {
            Configurator.setRootLevel(Level.WARN);
        }
        SparkSession spark = SparkSession.builder().master(request.master()).appName("bale pack " + request.output())
                .config("spark.ui.showConsoleProgress", "false").getOrCreate();
        try {
            return PackJob.pack(spark, request.source(), request.list(), request.output(), request.options(),
                    request.shards(), request.shardBytes(), listener);
        } finally {
            if (!joined) {
                spark.stop();
            }
        }
    }
}

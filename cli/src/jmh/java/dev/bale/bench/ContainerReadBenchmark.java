package dev.bale.bench;

import dev.bale.container.Container;
import dev.bale.container.Containers;
import dev.bale.container.Layout;
import dev.bale.container.RecordReader;
import dev.bale.synthetic.SyntheticDataset;
import dev.bale.pack.PackListener;
import dev.bale.pack.PackOptions;
import dev.bale.pack.Packer;
import dev.bale.pack.SourceInput;
import dev.bale.source.Source;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Random-access reads of one layout, in records per second per thread: index lookup, the read
 * (a view into the mapped file, or a copy for SQLite) and the checksum check that every read does.
 * No decoding. The container is packed from generated images at the start of each trial and sits
 * in the page cache, so this measures the layout, not the disk.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class ContainerReadBenchmark {

    /** The packed container, shared by every benchmark thread. */
    @State(Scope.Benchmark)
    public static class Packed {
        @Param({"bin", "lmdb", "sqlite", "tfrecord"})
        public String layout;

        /** photos: 500x375 JPEG q90 (~100 KB each); tiny: 28x28 grayscale PNG (~530 B each). */
        @Param({"photos", "tiny"})
        public String data;

        Path workDir;
        Container container;

        @Setup(Level.Trial)
        public void pack() throws IOException {
            SyntheticDataset.Spec spec = data.equals("tiny")
                    ? SyntheticDataset.Spec.tiny(4096)
                    : SyntheticDataset.Spec.photos(256, 500, 375);
            workDir = Files.createTempDirectory("bale-jmh-");
            Path images = workDir.resolve("images");
            SyntheticDataset.write(spec, images, 2, done -> { });
            Layout parsed = Layout.parse(layout);
            Path packed = workDir.resolve("images." + parsed.id());
            Packer.pack(new SourceInput(Source.folder(images)), packed, PackOptions.of(parsed), PackListener.NONE);
            container = Containers.open(packed);
        }

        @TearDown(Level.Trial)
        public void delete() throws IOException {
            container.close();
            try (Stream<Path> walk = Files.walk(workDir)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    /** One thread's reader and its own random visiting order. */
    @State(Scope.Thread)
    public static class Reader {
        RecordReader reader;
        int[] order;
        int next;

        @Setup(Level.Trial)
        public void open(Packed packed) {
            reader = packed.container.newReader();
            // A shuffled order computed up front keeps the random generator out of the measurement.
            order = new int[packed.container.size()];
            SplittableRandom random = new SplittableRandom(Thread.currentThread().getId());
            for (int i = 0; i < order.length; i++) {
                int j = random.nextInt(i + 1);
                order[i] = order[j];
                order[j] = i;
            }
        }

        @TearDown(Level.Trial)
        public void close() {
            reader.close();
        }

        int nextIndex() {
            int index = order[next];
            next = next + 1 == order.length ? 0 : next + 1;
            return index;
        }
    }

    @Benchmark
    public ByteBuffer randomRead(Reader reader) {
        return reader.reader.read(reader.nextIndex());
    }
}

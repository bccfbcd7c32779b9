package dev.bale.spark;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.spark.sql.SparkSession;

/** Small JPEG fixtures (javax.imageio, about 2-4 KB each) and one Spark session per test class. */
final class SparkFixtures {
    private SparkFixtures() {
    }

    /** {@code local[2,2]}: two threads, and a failed task is tried once more. */
    static SparkSession session() {
        return SparkSession.builder().master("local[2,2]").appName("bale-spark-test")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.hadoop.fs." + OtherFileSystem.SCHEME + ".impl", OtherFileSystem.class.getName())
                .getOrCreate();
    }

    /** {@code count} JPEGs in {@code classes} class folders: root/class-K/img-NNNNN.jpg, deterministic. */
    static List<Path> photos(Path root, int count, int classes, long seed) throws IOException {
        Random random = new Random(seed);
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Path dir = root.resolve("class-" + (i % classes));
            Files.createDirectories(dir);
            Path file = dir.resolve(String.format("img-%05d.jpg", i));
            Files.write(file, jpeg(random));
            files.add(file);
        }
        return files;
    }

    static byte[] jpeg(Random random) throws IOException {
        int w = 48 + random.nextInt(24);
        int h = 40 + random.nextInt(16);
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int base = random.nextInt(0xFFFFFF);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int noise = random.nextInt(48);
                image.setRGB(x, y, (base + x * 3 + y * 5 * 256 + noise * 0x010101) & 0xFFFFFF);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "jpg", out);
        return out.toByteArray();
    }

    /** A list file naming the files relative to {@code root}, labelled with text labels. */
    static Path listFile(Path root, List<Path> files, Path list) throws IOException {
        StringBuilder text = new StringBuilder();
        for (Path file : files) {
            String key = root.relativize(file).toString();
            text.append(key).append('\t').append(file.getParent().getFileName()).append('\n');
        }
        Files.writeString(list, text, StandardCharsets.UTF_8);
        return list;
    }

    /** Every regular file under {@code root}, by relative name, with its bytes. */
    static TreeMap<String, byte[]> tree(Path root) throws IOException {
        TreeMap<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                files.put(root.relativize(file).toString(), Files.readAllBytes(file));
            }
        }
        return files;
    }
}

package dev.bale.container.foreign;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.bale.container.RawPixels;
import dev.bale.image.opencv.RawImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PyTorch peer of {@code bale bench FOREIGN} ({@code bench/peer/foreign_peer.py}) reads each
 * foreign kind it is given: every record's pixels and label as written. Runs only where Debian's
 * python3-torch, python3-torchvision, python3-pil and python3-lmdb are installed (the bench installs
 * them on demand; CI does not), else skipped with a message.
 */
class ForeignPeerTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path PEER = Path.of(System.getProperty("bale.home", ".."), "bench/peer/torch_peer.py");
    private static final int H = 20;
    private static final int W = 24;
    private static final int N = 4;

    @TempDir
    Path dir;

    @BeforeAll
    static void peerInstalled() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(PYTHON), "/usr/bin/python3 is absent: the peer test is skipped");
        Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import torch, torchvision, PIL, lmdb, numpy")
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        Assumptions.assumeTrue(p.waitFor(2, TimeUnit.MINUTES) && p.exitValue() == 0,
                "python3-torch, -torchvision, -pil, -lmdb or -numpy missing: the peer test is skipped");
    }

    private static byte[] pixels(int i) {
        return ForeignWriters.pixels(H, W, 3, 100 + i);
    }

    /** What ToTensor makes of record i, summed: the pixels over 255. */
    private static double sum(int i) {
        long s = 0;
        for (byte b : pixels(i)) {
            s += b & 0xFF;
        }
        return s / 255.0;
    }

    @Test
    void pickledLmdbProtocols2And4() throws Exception {
        for (int protocol : new int[] {2, 4}) {
            List<byte[]> values = new ArrayList<>();
            for (int i = 0; i < N; i++) {
                values.add(PickleWriter.dumps(PickleWriter.lmdbImage(H, W, 3, pixels(i), i + 3), protocol));
            }
            Path lmdb = dir.resolve("p" + protocol);
            ForeignWriters.pickledLmdb(lmdb, values, protocol);
            check(peer("pickle-lmdb", lmdb));
        }
    }

    @Test
    void caffeRawDatums() throws Exception {
        Map<byte[], byte[]> pairs = new LinkedHashMap<>();
        for (int i = 0; i < N; i++) {
            pairs.put(String.format("%08d_img%d.jpg", i, i).getBytes(),
                    ForeignWriters.rawDatum(ForeignWriters.chwBgr(pixels(i), H, W), 3, H, W, i + 3));
        }
        ForeignWriters.lmdb(dir.resolve("caffe"), pairs);
        check(peer("caffe-lmdb", dir.resolve("caffe")));
    }

    @Test
    void plainBinOfPngs() throws Exception {
        List<byte[]> records = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            records.add(RawImages.png(ForeignWriters.direct(pixels(i)), new RawPixels(H, W, 3, false, false)));
            labels.add(Integer.toString(i + 3));
        }
        Files.createDirectories(dir.resolve("bin"));
        ForeignWriters.plainBin(dir.resolve("bin/train.bin"), dir.resolve("bin/train.txt"), records, labels);
        check(peer("plain-bin", dir.resolve("bin")));
    }

    private static void check(JsonObject result) {
        JsonArray sums = result.getAsJsonArray("first_sums");
        assertEquals(N, sums.size(), result.toString());
        for (int i = 0; i < N; i++) {
            JsonObject s = sums.get(i).getAsJsonObject();
            assertEquals(i + 3, s.get("label").getAsInt(), "label of record " + i);
            assertEquals("[3," + H + "," + W + "]", s.get("shape").toString(), "shape of record " + i);
            // float32 rounding stays far below one pixel level changed by one (1/255).
            assertEquals(sum(i), s.get("sum").getAsDouble(), 1e-3, "pixels of record " + i);
        }
        assertEquals(N, result.get("records").getAsInt());
    }

    private JsonObject peer(String mode, Path path) throws IOException, InterruptedException {
        Path out = dir.resolve(mode + ".json");
        Process p = new ProcessBuilder(PYTHON.toString(), PEER.toString(), "--mode", mode, "--path", path.toString(),
                "--transform", "none", "--batch", "1", "--workers", "1", "--dump-first", Integer.toString(N))
                .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(3, TimeUnit.MINUTES)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError(mode + ": the peer ran for more than 3 minutes");
        }
        String last = Files.readString(out).trim().lines().reduce((a, b) -> b).orElse("");
        assertEquals(0, p.exitValue(), mode + ": " + last);
        return JsonParser.parseString(last).getAsJsonObject();
    }
}

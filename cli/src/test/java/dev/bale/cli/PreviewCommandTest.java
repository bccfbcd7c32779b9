package dev.bale.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bale.container.Layout;
import dev.bale.synthetic.TextLines;
import dev.bale.pack.PackListener;
import dev.bale.pack.PackOptions;
import dev.bale.pack.Packer;
import dev.bale.pack.SourceInput;
import dev.bale.source.Source;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreviewCommandTest {
    @TempDir
    Path dir;

    @Test
    void writesTheGridEachSampleAndATable() throws Exception {
        Path labels = TextLines.write(dir.resolve("src"), 12, 9);
        Path container = dir.resolve("lines.sqlite");
        Packer.pack(new SourceInput(Source.list(labels, dir.resolve("src"))), container, PackOptions.of(Layout.SQLITE),
                PackListener.NONE);
        Path out = dir.resolve("preview");
        PrintStream saved = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            code = Main.run(new String[] {"preview", container.toString(), "--transform", "text", "--height", "24",
                "--count", "5", "--out", out.toString()});
        } finally {
            System.setOut(saved);
        }
        assertEquals(0, code, captured.toString(StandardCharsets.UTF_8));
        List<String> rows = Files.readAllLines(out.resolve("samples.tsv"));
        assertEquals("index\tkey\tlabel\twidth\theight", rows.get(0));
        assertEquals(6, rows.size());
        List<String> list = Files.readAllLines(labels);
        int widest = 0;
        for (int i = 0; i < 5; i++) {
            String[] f = rows.get(i + 1).split("\t");
            assertEquals(Integer.toString(i), f[0]);
            assertEquals(list.get(i), f[1] + "\t" + f[2], "key and label as packed");
            assertEquals("24", f[4]);
            widest = Math.max(widest, Integer.parseInt(f[3]));
        }
        int padded = (widest + 7) / 8 * 8;
        for (int i = 0; i < 5; i++) {
            Mat sample = opencv_imgcodecs.imread(out.resolve("sample-" + i + ".png").toString());
            assertEquals(24, sample.rows());
            assertEquals(padded, sample.cols(), "text lines at the batch's padded width");
        }
        Mat grid = opencv_imgcodecs.imread(out.resolve("grid.png").toString());
        assertTrue(grid.cols() >= 3 * padded && grid.rows() >= 2 * 24, grid.cols() + "x" + grid.rows());

        // inspect on a text-labelled container: charset, label lengths, sizes from the headers.
        captured.reset();
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            code = Main.run(new String[] {"inspect", container.toString()});
        } finally {
            System.setOut(saved);
        }
        String text = captured.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, text);
        long chars = list.stream().flatMapToInt(l -> l.substring(l.indexOf('\t') + 1).codePoints()).distinct().count();
        assertTrue(text.contains("charset       " + chars + " characters"), text);
        assertTrue(text.contains("label length") && text.contains("aspect w/h"), text);
    }
}

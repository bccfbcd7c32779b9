package dev.bale.examples.ocr;

import dev.bale.container.Layout;
import dev.bale.synthetic.TextLines;
import dev.bale.pack.PackListener;
import dev.bale.pack.PackOptions;
import dev.bale.pack.Packer;
import dev.bale.pack.SourceInput;
import dev.bale.source.Source;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Generated text lines ({@link TextLines}, as {@code bale demo --ocr}) packed into the SQLite layout. */
public final class GeneratedLines {
    private GeneratedLines() {
    }

    /**
     * {@code dir/NAME.sqlite} holding {@code count} lines generated from {@code seed} with at most
     * {@code maxWords} words (the generator's lines with more are skipped); made (JPEGs under
     * {@code dir/NAME/} and a list file, then packed) unless it is already there.
     */
    public static Path packed(Path dir, String name, int count, long seed, int maxWords) throws IOException {
        Path container = dir.resolve(name + ".sqlite");
        if (Files.exists(container)) {
            return container;
        }
        Path root = dir.resolve(name);
        Files.createDirectories(root.resolve("lines"));
        StringBuilder list = new StringBuilder();
        for (int i = 0, kept = 0; kept < count; i++) {
            TextLines.Line line = TextLines.line(seed, i);
            if (line.text().split(" ").length > maxWords) {
                continue;
            }
            String file = String.format("lines/%06d.jpg", i);
            Files.write(root.resolve(file), line.jpeg());
            list.append(file).append('\t').append(line.text()).append('\n');
            kept++;
        }
        Path labels = root.resolve("labels.txt");
        Files.writeString(labels, list.toString(), StandardCharsets.UTF_8);
        Packer.pack(new SourceInput(Source.list(labels, root)), container, PackOptions.of(Layout.SQLITE).withForce(true),
                PackListener.NONE);
        return container;
    }
}

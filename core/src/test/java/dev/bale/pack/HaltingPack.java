package dev.bale.pack;

import dev.bale.container.Layout;
import dev.bale.source.Source;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Packs a folder in a child JVM, for {@link KillAtEveryStepTest}: run with
 * {@code -Dbale.test.haltAt=POINT} it stops dead at that point of the pack's finish (exit 86).
 * Exits 1 with the message on stderr when the pack fails (a full disk, for one).
 */
public final class HaltingPack {
    public static void main(String[] args) {
        try {
            Packer.pack(new SourceInput(Source.folder(Path.of(args[1]))), Path.of(args[2]),
                    PackOptions.of(Layout.parse(args[0])).withForce(Boolean.parseBoolean(args[3])), PackListener.NONE);
        } catch (IOException | RuntimeException e) {
            System.err.println("pack failed: " + e.getMessage());
            System.exit(1);
        }
    }
}

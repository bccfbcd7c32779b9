package dev.bale.pack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.bale.container.Container;
import dev.bale.container.Containers;
import dev.bale.container.Layout;
import dev.bale.container.RecordReader;
import dev.bale.source.Source;
import dev.bale.testing.Fixtures;
import dev.bale.testing.Fixtures.Image;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A pack stopped dead (as by SIGKILL or a power cut) at every named step of its finish, with and
 * without --force: the output is then the old container or the new one, complete (once the next
 * pack or verify has finished or rolled back a replacement the dead pack was in the middle of),
 * and no staging file is left behind. Dead staging files are reclaimed, a live pack's are not.
 */
class KillAtEveryStepTest {
    @TempDir
    Path dir;

    /** Every point a pack of {@code layout} passes in its finish; aside-N only when replacing. */
    private static List<String> points(Layout layout, boolean force) {
        int files = layout.files(Path.of("x")).size();
        List<String> points = new ArrayList<>(List.of("finished"));
        for (int i = 1; force && i <= files; i++) {
            points.add("aside-" + i);
        }
        for (int i = 1; i <= files; i++) {
            points.add("placed-" + i);
        }
        if (force) {
            // Without --force these two are the state after the last placed-N: nothing to clean.
            points.add("committed");
            points.add("cleaned");
        }
        return points;
    }

    private Path source(String name, int count, long seed) throws IOException {
        Path root = dir.resolve(name);
        List<Image> images = Fixtures.images(count, seed);
        for (int i = 0; i < images.size(); i++) {
            Path file = root.resolve("class_" + (i % 3)).resolve(String.format("img_%03d.%s", i, images.get(i).format()));
            Files.createDirectories(file.getParent());
            Files.write(file, images.get(i).bytes());
        }
        return root;
    }

    private static Process child(List<String> prefix, String haltAt, Layout layout, Path src, Path out, boolean force)
            throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Dbale.test.haltAt=" + haltAt, "--add-opens", "java.base/java.nio=ALL-UNNAMED",
                "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                HaltingPack.class.getName(), layout.id(), src.toString(), out.toString(), Boolean.toString(force)));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void killedAtEveryStepLeavesTheOldContainerOrTheNewOne(Layout layout) throws Exception {
        Path oldSource = source("old", 5, 171);
        Path newSource = source("new", 7, 172);
        Path reference = dir.resolve("reference-new." + layout.id());
        Packer.pack(new SourceInput(Source.folder(newSource)), reference, PackOptions.of(layout), PackListener.NONE);
        Path oldReference = dir.resolve("reference-old." + layout.id());
        Packer.pack(new SourceInput(Source.folder(oldSource)), oldReference, PackOptions.of(layout), PackListener.NONE);
        int halted = 0;
        for (boolean force : new boolean[] {false, true}) {
            for (String point : points(layout, force)) {
                Path work = Files.createDirectories(dir.resolve("work-" + force + "-" + point));
                Path out = work.resolve("out." + layout.id());
                if (force) {
                    Packer.pack(new SourceInput(Source.folder(oldSource)), out, PackOptions.of(layout), PackListener.NONE);
                }
                Process pack = child(List.of(), point, layout, newSource, out, force);
                assertTrue(pack.waitFor(60, TimeUnit.SECONDS), "pack hung");
                int exit = pack.exitValue();
                String said = new String(pack.getInputStream().readAllBytes());
                assertEquals(86, exit, point + ": the pack did not stop there: " + said);
                halted++;
                String state = point + (force ? " (forced)" : "");
                // Right after the kill: old, new, or (mid-replacement) nothing under the final name.
                String now = contents(layout, out, oldReference, reference);
                assertTrue(now.equals("old") || now.equals("new") || now.equals("absent"), state + ": " + now);
                if (now.equals("absent") && force) {
                    java.nio.file.NoSuchFileException gone = org.junit.jupiter.api.Assertions.assertThrows(
                            java.nio.file.NoSuchFileException.class, () -> Containers.open(out));
                    assertTrue(gone.getReason().contains("`bale verify " + out + "` puts it back"), gone.getReason());
                }
                // The next pack (or verify) reclaims: then old or new, complete, and nothing else.
                Reclaim.reclaim(layout, out);
                String after = contents(layout, out, oldReference, reference);
                if (force) {
                    assertTrue(after.equals("old") || after.equals("new"), state + ": after reclaim " + after);
                } else {
                    assertTrue(after.equals("absent") || after.equals("new"), state + ": after reclaim " + after);
                }
                try (Stream<Path> left = Files.list(work)) {
                    List<String> names = left.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList();
                    assertEquals(List.of(), names, state + ": left behind");
                }
            }
        }
        assertEquals(points(layout, false).size() + points(layout, true).size(), halted);
    }

    /** "old", "new" or "absent"; anything else fails the test. */
    private static String contents(Layout layout, Path out, Path oldReference, Path newReference) throws IOException {
        if (!Files.exists(out)) {
            return "absent";
        }
        for (String[] candidate : new String[][] {{"old", oldReference.toString()}, {"new", newReference.toString()}}) {
            try (Container a = Containers.open(out); Container b = Containers.open(Path.of(candidate[1]))) {
                if (same(a, b)) {
                    return candidate[0];
                }
            } catch (RuntimeException | IOException e) {
                fail(out + " exists but does not open: " + e.getMessage());
            }
        }
        return "something else";
    }

    private static boolean same(Container a, Container b) {
        if (a.size() != b.size() || !a.manifest().classes().equals(b.manifest().classes())
                || !java.util.Arrays.equals(a.classIds(), b.classIds())) {
            return false;
        }
        try (RecordReader ra = a.newReader(); RecordReader rb = b.newReader()) {
            for (int i = 0; i < a.size(); i++) {
                if (!ra.read(i).equals(rb.read(i)) || !ra.key(i).equals(rb.key(i))) {
                    return false;
                }
            }
        }
        return true;
    }

    @Test
    void deadStagingFilesAreReclaimedAndALivePacksAreNot() throws Exception {
        Path src = source("src", 6, 173);
        Path out = dir.resolve("photos.bin");
        // A dead pack's staging: its lock file is there, but nobody holds it.
        Path dead = dir.resolve(".photos.bin.partial-deadbeef");
        Files.createDirectories(dead);
        Files.write(dead.resolve("data.bin"), new byte[50_000]);
        Files.createFile(Reclaim.lockOf(dead));
        // A live pack's staging: its lock is held (here, by this JVM).
        Path live = dir.resolve(".photos.bin.partial-1ive1ive");
        Files.createDirectories(live);
        Files.write(live.resolve("data.bin"), new byte[1000]);
        try (FileChannel lock = FileChannel.open(Reclaim.lockOf(live), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            lock.lock();
            List<Reclaim.Result> heard = new ArrayList<>();
            Packer.pack(new SourceInput(Source.folder(src)), out, PackOptions.of(Layout.BIN), new PackListener() {
                @Override
                public void reclaimed(Reclaim.Result result) {
                    heard.add(result);
                }
            });
            assertEquals(1, heard.size());
            assertEquals(new Reclaim.Result(1, 50_000, 0), heard.get(0));
            assertTrue(heard.get(0).toString().contains("freed 50,000 bytes"), heard.get(0).toString());
            assertFalse(Files.exists(dead));
            assertFalse(Files.exists(Reclaim.lockOf(dead)));
            assertTrue(Files.exists(live.resolve("data.bin")), "a live pack's staging is left alone");
        }
        // Once its owner is gone, it goes too.
        assertEquals(new Reclaim.Result(1, 1000, 0), Reclaim.reclaim(Layout.BIN, out));
    }

    @Test
    void aLivePackInAnotherJvmKeepsItsStagingFiles() throws Exception {
        Path out = dir.resolve("slow.bin");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process slow = new ProcessBuilder(java, "--add-opens", "java.base/java.nio=ALL-UNNAMED",
                "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                SlowPack.class.getName(), "bin", out.toString()).redirectErrorStream(true).start();
        try {
            assertEquals("packing", new java.io.BufferedReader(new java.io.InputStreamReader(slow.getInputStream())).readLine());
            assertTrue(Reclaim.reclaim(Layout.BIN, out).isEmpty(), "a live pack's staging was reclaimed");
            slow.destroyForcibly();
            assertTrue(slow.waitFor(30, TimeUnit.SECONDS));
            Reclaim.Result result = Reclaim.reclaim(Layout.BIN, out);
            assertEquals(1, result.entries(), result.toString());
            assertTrue(result.bytes() > 0);
            try (Stream<Path> left = Files.list(dir)) {
                assertEquals(List.of(), left.toList());
            }
        } finally {
            slow.destroyForcibly();
        }
    }

    @Test
    void aFullDiskLeavesTheOldContainerAndNoStaging() throws Exception {
        Path oldSource = source("old", 3, 174);
        Path bigSource = source("big", 150, 175);
        Path reference = dir.resolve("reference.bin");
        Packer.pack(new SourceInput(Source.folder(oldSource)), reference, PackOptions.of(Layout.BIN), PackListener.NONE);
        Path small = Files.createDirectories(dir.resolve("small"));
        boolean mounted = mount(small);
        try {
            Path out = small.resolve("out.bin");
            Packer.pack(new SourceInput(Source.folder(oldSource)), out, PackOptions.of(Layout.BIN), PackListener.NONE);
            List<String> prefix = mounted ? List.of() : List.of("bash", "-c", "ulimit -f 256; exec \"$0\" \"$@\"");
            Process pack = child(prefix, "none", Layout.BIN, bigSource, out, true);
            assertTrue(pack.waitFor(60, TimeUnit.SECONDS));
            String said = new String(pack.getInputStream().readAllBytes());
            assertEquals(1, pack.exitValue(), said);
            assertTrue(said.contains(mounted ? "No space left" : "File too large"), said);
            assertEquals("old", contents(Layout.BIN, out, reference, reference));
            try (Stream<Path> left = Files.list(small)) {
                assertEquals(List.of("out.bin"), left.map(p -> p.getFileName().toString()).toList(),
                        (mounted ? "tmpfs" : "ulimit -f") + ": staging left behind");
            }
        } finally {
            if (mounted) {
                // Lazy: the mapping of the old data.bin this JVM opened goes only when collected.
                new ProcessBuilder("umount", "-l", small.toString()).start().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    /** A 1 MiB tmpfs over {@code at} when this runs as root and may mount (CI does); else false. */
    private static boolean mount(Path at) {
        try {
            Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", at.toString())
                    .redirectErrorStream(true).start();
            return mount.waitFor(30, TimeUnit.SECONDS) && mount.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}

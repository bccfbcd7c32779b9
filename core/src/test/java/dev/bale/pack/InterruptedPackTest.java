package dev.bale.pack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bale.container.Containers;
import dev.bale.container.Layout;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A pack killed half-way (SIGTERM as Ctrl-C sends, then SIGKILL) leaves nothing that opens as a container. */
class InterruptedPackTest {
    @TempDir
    Path dir;

    private Process start(Layout layout, Path out) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "--add-opens", "java.base/java.nio=ALL-UNNAMED",
                "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), SlowPack.class.getName(), layout.id(), out.toString())
                .redirectErrorStream(true).start();
    }

    private static void awaitPacking(Process process) throws IOException {
        BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream()));
        String line = lines.readLine();
        assertEquals("packing", line, "the child pack did not get going");
    }

    private List<Path> leftovers() throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.toList();
        }
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void killedPackLeavesNoContainer(Layout layout) throws Exception {
        Path out = dir.resolve("out." + layout.id());

        Process terminated = start(layout, out);
        awaitPacking(terminated);
        terminated.destroy();
        assertTrue(terminated.waitFor(30, TimeUnit.SECONDS));
        for (Path file : layout.files(out)) {
            assertFalse(Files.exists(file), file + " exists after SIGTERM");
        }
        assertEquals(List.of(), leftovers(), "the shutdown hook removes the partial files");

        Process killed = start(layout, out);
        awaitPacking(killed);
        killed.destroyForcibly();
        assertTrue(killed.waitFor(30, TimeUnit.SECONDS));
        for (Path file : layout.files(out)) {
            assertFalse(Files.exists(file), file + " exists after SIGKILL");
        }
        for (Path partial : leftovers()) {
            if (!partial.getFileName().toString().endsWith(".idx") && !partial.getFileName().toString().endsWith(".json")
                    && !partial.getFileName().toString().endsWith(".lock")) {
                assertThrows(Exception.class, () -> Containers.open(partial).close(),
                        partial + " (left by SIGKILL) must not open as a container");
            }
        }
        assertTrue(new File(dir.toFile(), "out." + layout.id()).getParentFile().isDirectory());
    }
}

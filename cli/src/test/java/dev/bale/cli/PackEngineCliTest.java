package dev.bale.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bale.testing.CapturedCli;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code bale pack --engine}: without the bale-spark module on the class path, an error that names it. */
class PackEngineCliTest {
    @RegisterExtension
    final CapturedCli cli = new CapturedCli();

    @TempDir
    Path dir;

    @Test
    void aMissingEngineIsNamedWithItsModule() throws Exception {
        Files.createDirectories(dir.resolve("src/a"));
        Files.write(dir.resolve("src/a/x.jpg"), new byte[]{1, 2, 3});
        int code = cli.bale("pack", dir.resolve("src").toString(), dir.resolve("out").toString(), "--format", "bin",
                "--shards", "2", "--engine", "spark");
        assertEquals(1, code, cli.all());
        assertTrue(cli.err().contains("pack engine 'spark' is not available"), cli.err());
        assertTrue(cli.err().contains("bale-spark module"), cli.err());
        assertFalse(Files.exists(dir.resolve("out")));
    }

    @Test
    void anEngineWritesShardsOnly() throws Exception {
        int code = cli.bale("pack", dir.toString(), dir.resolve("out").toString(), "--format", "bin", "--engine", "spark");
        assertEquals(1, code, cli.all());
        assertTrue(cli.err().contains("give --shards N or --shard-size SIZE"), cli.err());
    }
}

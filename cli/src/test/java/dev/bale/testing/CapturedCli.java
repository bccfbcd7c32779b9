package dev.bale.testing;

import dev.bale.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs {@code bale} commands in the test's JVM with System.out and System.err captured for each
 * test. Register it as a field: {@code @RegisterExtension final CapturedCli cli = new CapturedCli();}
 */
public final class CapturedCli implements BeforeEachCallback, AfterEachCallback {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream savedOut;
    private PrintStream savedErr;

    @Override
    public void beforeEach(ExtensionContext context) {
        savedOut = System.out;
        savedErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        System.setOut(savedOut);
        System.setErr(savedErr);
    }

    /** Runs one command (what it printed before is forgotten) and returns its exit code. */
    public int bale(String... args) {
        out.reset();
        err.reset();
        return Main.run(args);
    }

    /** What the last command printed on standard output. */
    public String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    /** What the last command printed on standard error. */
    public String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** Both, output first. */
    public String all() {
        return out() + err();
    }
}

package dev.bale.cli;

import picocli.CommandLine;

/** The {@code bale} command line: exit 0 on success, 1 on bad input or data, 2 on a usage error. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs one command line and returns its exit code (what tests call). */
    public static int run(String... args) {
        return new CommandLine(new BaleCommand())
                .setExecutionExceptionHandler(new ErrorReporter())
                .execute(args);
    }
}

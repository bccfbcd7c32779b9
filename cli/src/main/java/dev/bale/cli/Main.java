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
        CommandLine commandLine = new CommandLine(new BaleCommand());
        addIfPresent(commandLine, "example", "dev.bale.examples.ExampleCommand");
        return commandLine.setExecutionExceptionHandler(new ErrorReporter()).execute(args);
    }

    /**
     * Adds a command that lives in another source set (the examples) when it is on the class path,
     * so that the core never depends on it.
     */
    private static void addIfPresent(CommandLine commandLine, String name, String className) {
        try {
            commandLine.addSubcommand(name, Class.forName(className).getDeclaredConstructor().newInstance());
        } catch (ReflectiveOperationException e) {
            // Not built with the examples.
        }
    }
}

package dev.bale.examples;

import dev.bale.examples.classify.ClassifyCommand;
import dev.bale.examples.ocr.OcrCommand;
import picocli.CommandLine.Command;

/** {@code bale example ...}: training programs that use Bale as a user would. */
@Command(name = "example", mixinStandardHelpOptions = true,
        description = "Runs an example training program fed by Bale's loader.",
        subcommands = {ClassifyCommand.class, OcrCommand.class, picocli.CommandLine.HelpCommand.class})
public final class ExampleCommand {
}

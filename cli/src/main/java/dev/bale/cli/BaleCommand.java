package dev.bale.cli;

import picocli.CommandLine.Command;

@Command(name = "bale", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Packs image datasets of many small files into a few large containers, and reads them back.",
        subcommands = {DemoCommand.class, PackCommand.class, InspectCommand.class, VerifyCommand.class,
                ConvertCommand.class, LoadCommand.class, BenchCommand.class, PreviewCommand.class, picocli.CommandLine.HelpCommand.class})
final class BaleCommand {
}

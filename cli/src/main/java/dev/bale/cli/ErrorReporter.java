package dev.bale.cli;

import dev.bale.container.CorruptContainerException;
import dev.bale.loader.BadData;
import dev.bale.loader.LoaderException;
import dev.bale.pack.BadRecordException;
import dev.bale.source.BadSourceException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;

/**
 * Turns what a command threw into one clear line on stderr and exit code 1. Bad input and damaged
 * data are expected: their message is the whole story. Anything else is a bug: its trace follows.
 */
final class ErrorReporter implements CommandLine.IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        commandLine.getErr().println("bale " + commandLine.getCommandName() + ": error: " + describe(e));
        if (!isExpected(e)) {
            e.printStackTrace(commandLine.getErr());
        }
        commandLine.getErr().flush();
        return 1;
    }

    static boolean isExpected(Throwable e) {
        return e instanceof IOException || e instanceof BadSourceException || e instanceof BadRecordException
                || e instanceof CorruptContainerException || e instanceof IllegalArgumentException
                || (e instanceof LoaderException && e.getCause() != null && BadData.isBadData(e.getCause()))
                || (e instanceof LoaderException && e.getCause() == null);
    }

    static String describe(Throwable e) {
        if (e instanceof FileAlreadyExistsException f) {
            return f.getFile() + ": " + (f.getReason() != null ? f.getReason() : "already exists");
        }
        if (e instanceof NoSuchFileException f) {
            return f.getFile() + ": " + (f.getReason() != null ? f.getReason() : "no such file or folder");
        }
        if (e instanceof AccessDeniedException f) {
            return f.getFile() + ": permission denied";
        }
        if (e instanceof FileSystemException f && f.getReason() != null && f.getReason().contains("No space left")) {
            return f.getFile() + ": disk full";
        }
        if (e instanceof IOException && e.getMessage() != null && e.getMessage().contains("No space left")) {
            return "disk full: " + e.getMessage();
        }
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }
}

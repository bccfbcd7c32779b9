package dev.bale.cli;

import dev.bale.container.Version;
import picocli.CommandLine;

final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"bale " + Version.current()};
    }
}

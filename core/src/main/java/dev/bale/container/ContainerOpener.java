package dev.bale.container;

import java.io.IOException;

/**
 * Opens containers that are not one of the four layouts on local disk (a sharded dataset, a URL).
 * Found through {@link java.util.ServiceLoader}, so that {@link Containers#open} reaches later
 * stages without this package depending on them.
 */
public interface ContainerOpener {

    /**
     * Opens {@code location} (a path or a URL as the user typed it) when it is something this
     * opener knows; returns null when it is not, so the next opener (or layout sniffing) tries.
     */
    Container open(String location) throws IOException;
}

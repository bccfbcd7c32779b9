package dev.bale.dataset;

import dev.bale.container.Container;
import dev.bale.container.ContainerOpener;
import java.io.IOException;

/** Lets {@code Containers.open} (and so every command) open datasets: a folder, its dataset.json, or a URL. */
public final class DatasetOpener implements ContainerOpener {
    @Override
    public Container open(String location) throws IOException {
        return Datasets.isDataset(location) ? Datasets.open(location) : null;
    }
}

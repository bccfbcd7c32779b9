package dev.bale.dataset;

import dev.bale.container.Container;
import dev.bale.container.CorruptContainerException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The checks a shard passes before its records are read, wherever a dataset is opened (here, or one
 * shard at a time by a Spark task): its files where dataset.json says, and its own manifest agreeing.
 */
public final class ShardChecks {
    private ShardChecks() {
    }

    /**
     * The main path of shard {@code shard} in the local dataset folder {@code folder} (whose real path is
     * {@code realFolder}), once every file of it is found inside that folder, symbolic links resolved,
     * with the size dataset.json gives. A truncated or replaced shard is named before it is opened;
     * records' own checksums catch bit flips.
     */
    public static Path local(Path folder, Path realFolder, DatasetManifest.Shard entry, int shard) throws IOException {
        Path parent = folder.resolve(entry.path()).getParent();
        for (DatasetManifest.ShardFile file : entry.files()) {
            Path local = parent.resolve(file.name());
            Path real;
            try {
                real = local.toRealPath();
            } catch (NoSuchFileException e) {
                throw new NoSuchFileException(local.toString(), null, "shard " + shard + " file missing");
            }
            if (!real.startsWith(realFolder)) {
                throw new CorruptContainerException(local + ": shard " + shard + " resolves outside the dataset folder");
            }
            long size = Files.size(real);
            if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS) || size != file.bytes()) {
                throw new CorruptContainerException(local + ": shard " + shard + " file has " + size
                        + " bytes, dataset.json says " + file.bytes());
            }
        }
        return folder.resolve(entry.path());
    }

    /**
     * Checks an open shard against dataset.json: its layout, record count and class list, and every
     * class id within that list. {@code where} names the shard in the message ("…/shard-00003.bin: shard 3").
     */
    public static void agrees(DatasetManifest dataset, int shard, Container open, String where) {
        DatasetManifest.Shard entry = dataset.shards().get(shard);
        if (open.layout() != dataset.layoutValue()) {
            throw new CorruptContainerException(where + " is " + open.layout().id() + ", the dataset is " + dataset.layout());
        }
        if (open.size() != entry.records()) {
            throw new CorruptContainerException(where + " holds " + open.size() + " records, dataset.json says " + entry.records());
        }
        if (!open.manifest().classes().equals(dataset.classes())) {
            throw new CorruptContainerException(where + " has another class list than dataset.json");
        }
        for (int id : open.classIds()) {
            if (id < 0 || (!dataset.classes().isEmpty() && id >= dataset.classes().size())) {
                throw new CorruptContainerException(where + " has class id " + id + ", outside the class list");
            }
        }
    }
}

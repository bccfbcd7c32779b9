package dev.bale.spark;

import dev.bale.container.CorruptContainerException;
import dev.bale.dataset.DatasetManifest;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** A dataset.json on any Hadoop filesystem (given as it or as its folder), read and checked as Bale checks it. */
record DatasetLocation(Path json, DatasetManifest manifest) {

    static DatasetLocation read(String location, HadoopConf conf) throws IOException {
        Path path = new Path(location);
        FileSystem fs = conf.fileSystem(path);
        path = fs.makeQualified(path);
        try {
            if (fs.getFileStatus(path).isDirectory()) {
                path = new Path(path, DatasetManifest.FILE_NAME);
            }
            FileStatus status = fs.getFileStatus(path);
            if (status.getLen() > DatasetManifest.MAX_BYTES) {
                throw new CorruptContainerException(path + ": larger than " + DatasetManifest.MAX_BYTES + " bytes");
            }
            byte[] text = new byte[(int) status.getLen()];
            try (FSDataInputStream in = fs.open(path)) {
                in.readFully(0, text);
            }
            return new DatasetLocation(path, DatasetManifest.fromJson(new String(text, StandardCharsets.UTF_8), path.toString()));
        } catch (FileNotFoundException e) {
            throw new FileNotFoundException(path + ": no dataset.json");
        }
    }

    Path folder() {
        return json.getParent();
    }
}

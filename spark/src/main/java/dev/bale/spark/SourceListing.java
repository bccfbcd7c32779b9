package dev.bale.spark;

import dev.bale.source.BadSourceException;
import dev.bale.source.Labels;
import dev.bale.source.Source;
import dev.bale.source.SourceEntry;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * A source on any Hadoop filesystem, listed on the driver in exactly the record order, keys and
 * labels {@link Source} gives {@code bale pack} for the same files: a list file is parsed by
 * {@link Source#list(byte[], String, java.nio.file.Path)} itself; a folder tree follows ImageFolder's
 * convention as {@link Source#folder} does (class folders sorted, each class's images found
 * recursively, sorted by path as UTF-8 bytes, folder names as labels).
 */
final class SourceListing {
    /** A list file is read whole on the driver: cap it before allocating. */
    private static final long MAX_LIST_BYTES = 1L << 30;

    private SourceListing() {
    }

    /** A list file of {@code relative/path<TAB>label} lines; paths relative to {@code root}. */
    static HadoopInput list(String listFile, String root, HadoopConf conf) throws IOException {
        Path listPath = new Path(listFile);
        FileSystem fs = conf.fileSystem(listPath);
        byte[] text;
        try {
            FileStatus status = fs.getFileStatus(listPath);
            if (status.getLen() > MAX_LIST_BYTES) {
                throw new BadSourceException(listFile + ": list file larger than " + MAX_LIST_BYTES + " bytes");
            }
            text = new byte[(int) status.getLen()];
            try (FSDataInputStream in = fs.open(listPath)) {
                in.readFully(0, text);
            }
        } catch (FileNotFoundException e) {
            throw new BadSourceException(listFile + ": list file not found");
        }
        Source source = Source.list(text, listFile, java.nio.file.Path.of(""));
        Path rootPath = new Path(root);
        int n = source.size();
        String[] keys = new String[n];
        int[] classIds = new int[n];
        String[] origins = new String[n];
        String[] files = new String[n];
        long[] lengths = new long[n];
        Arrays.fill(lengths, -1);
        for (int i = 0; i < n; i++) {
            SourceEntry entry = source.entries().get(i);
            keys[i] = entry.key();
            classIds[i] = source.classId(i);
            origins[i] = entry.origin();
            files[i] = resolve(rootPath, entry.key()).toString();
        }
        return new HadoopInput(source.classes(), keys, classIds, origins, files, lengths, conf);
    }

    /** A key resolved against the root as {@code root.resolve(key).normalize()} does for a local pack. */
    private static Path resolve(Path root, String key) {
        java.net.URI base = root.toUri();
        String basePath = base.getPath().endsWith("/") ? base.getPath() : base.getPath() + "/";
        String path = key.startsWith("/") ? key : basePath + key;
        String normal = java.nio.file.Path.of(path).normalize().toString();
        try {
            return new Path(new java.net.URI(base.getScheme(), base.getAuthority(), normal, null, null));
        } catch (java.net.URISyntaxException e) {
            throw new BadSourceException(root + ": cannot resolve " + key + ": " + e.getMessage());
        }
    }

    /** A folder with one sub-folder per class. */
    static HadoopInput folder(String root, HadoopConf conf) throws IOException {
        Path rootPath = new Path(root);
        FileSystem fs = conf.fileSystem(rootPath);
        FileStatus[] children;
        try {
            if (!fs.getFileStatus(rootPath).isDirectory()) {
                throw new BadSourceException(root + ": not a folder");
            }
            children = fs.listStatus(rootPath);
        } catch (FileNotFoundException e) {
            throw new BadSourceException(root + ": not a folder");
        }
        List<FileStatus> classDirs = new ArrayList<>();
        for (FileStatus child : children) {
            if (child.isDirectory()) {
                classDirs.add(child);
            }
        }
        if (classDirs.isEmpty()) {
            throw new BadSourceException(root + ": no class folders (expected one sub-folder per class)");
        }
        classDirs.sort((a, b) -> compareUtf8(a.getPath().getName(), b.getPath().getName()));
        String prefix = fs.getFileStatus(rootPath).getPath().toUri().getPath();
        prefix = prefix.endsWith("/") ? prefix : prefix + "/";
        List<String> keys = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        List<String> files = new ArrayList<>();
        List<Long> lengths = new ArrayList<>();
        for (FileStatus classDir : classDirs) {
            String label = classDir.getPath().getName();
            List<FileStatus> images = new ArrayList<>();
            for (FileStatus file : walk(fs, classDir.getPath())) {
                if (file.isFile() && Source.isImageName(file.getPath().getName())) {
                    images.add(file);
                }
            }
            images.sort((a, b) -> compareUtf8(a.getPath().toUri().getPath(), b.getPath().toUri().getPath()));
            for (FileStatus image : images) {
                String path = image.getPath().toUri().getPath();
                if (!path.startsWith(prefix)) {
                    throw new BadSourceException(image.getPath() + ": listed outside " + root);
                }
                String key = path.substring(prefix.length());
                Source.checkKey(key, image.getPath().toString());
                keys.add(key);
                labels.add(label);
                files.add(image.getPath().toString());
                lengths.add(image.getLen());
            }
        }
        if (keys.isEmpty()) {
            throw new BadSourceException(root + ": the class folders hold no images (extensions: "
                    + String.join(", ", Source.IMAGE_EXTENSIONS.stream().sorted().toList()) + ")");
        }
        Labels classes = Labels.of(labels, true);
        int n = keys.size();
        int[] classIds = new int[n];
        for (int i = 0; i < n; i++) {
            classIds[i] = classes.classId(i);
        }
        String[] fileArray = files.toArray(new String[0]);
        return new HadoopInput(classes.classes(), keys.toArray(new String[0]), classIds, fileArray, fileArray,
                lengths.stream().mapToLong(Long::longValue).toArray(), conf);
    }

    /**
     * Every file under {@code folder}. Object stores and HDFS list a tree in one paged call; the local
     * filesystem folder by folder, since its recursive listing asks the owner and permissions of
     * every file (a process per file).
     */
    private static List<FileStatus> walk(FileSystem fs, Path folder) throws IOException {
        List<FileStatus> files = new ArrayList<>();
        if (!"file".equals(fs.getUri().getScheme())) {
            RemoteIterator<LocatedFileStatus> all = fs.listFiles(folder, true);
            while (all.hasNext()) {
                files.add(all.next());
            }
            return files;
        }
        List<Path> pending = new ArrayList<>(List.of(folder));
        while (!pending.isEmpty()) {
            for (FileStatus child : fs.listStatus(pending.remove(pending.size() - 1))) {
                if (child.isDirectory()) {
                    pending.add(child.getPath());
                } else {
                    files.add(child);
                }
            }
        }
        return files;
    }

    static boolean isFile(String location, HadoopConf conf) throws IOException {
        Path path = new Path(location);
        try {
            return conf.fileSystem(path).getFileStatus(path).isFile();
        } catch (FileNotFoundException e) {
            return false;
        }
    }

    /** Path order as the local pack sorts paths: UTF-8 bytes, unsigned. */
    static int compareUtf8(String a, String b) {
        return Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}

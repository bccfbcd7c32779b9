"""torch_peer.py's Datasets for datasets other tools wrote, read the tutorials' way.

Each is the map-style Dataset a PyTorch user writes for that kind: the handle (file, connection,
LMDB environment) opened lazily in each worker process, the bytes decoded with PIL, the pixels
transformed with torchvision. Pickled LMDB values go through `pickle.loads` in `__getitem__`.
"""

import io
import os
import pickle
import re
import sqlite3
import sys
import tarfile
import urllib.parse


class LMDB_Image:
    """The tutorial's class. Its pickles name it `__main__.LMDB_Image` (the writer's script), so a
    reader must define it in its own `__main__`, as the tutorial's training script does."""

    def __init__(self, image, size, channels, label):
        self.channels = channels
        self.size = size
        self.image = image
        self.label = label

    def get_image(self, np):
        return np.frombuffer(self.image, dtype=np.uint8).reshape(*self.size, self.channels)


sys.modules["__main__"].LMDB_Image = LMDB_Image


def expand_braces(pattern):
    """shards-{000..009}.tar or {a,b}: the file names a WebDataset brace pattern stands for."""
    match = re.search(r"\{([^{}]*)\}", pattern)
    if match is None:
        return [pattern]
    body = match.group(1)
    if ".." in body:
        low, high = body.split("..")
        items = [str(i).zfill(len(low)) for i in range(int(low), int(high) + 1)]
    else:
        items = body.split(",")
    return [name for item in items
            for name in expand_braces(pattern[:match.start()] + item + pattern[match.end():])]


def index_line(line):
    """offset, length[, label] of one plain index line, or None."""
    parts = line.rstrip("\r\n").split("\t")
    if len(parts) not in (2, 3) or not parts[0].isdigit() or not parts[1].isdigit():
        return None
    return int(parts[0]), int(parts[1]), parts[2] if len(parts) == 3 else None


def int_or_text(label):
    """Labels as the user's loop gets them: ints where they are numbers, -1 where there is none."""
    if label is None:
        return -1
    if isinstance(label, bytes):
        label = label.decode("utf-8")
    if isinstance(label, str) and re.fullmatch(r"-?\d{1,9}", label.strip()):
        return int(label)
    return label


def build(args, versions, require, fields):
    """A factory of the Dataset for args.mode; `fields` parses protobuf messages (Caffe Datum)."""
    np = require("numpy")
    PIL = require("PIL")
    from PIL import Image
    from torch.utils.data import Dataset
    from torchvision import transforms as T

    versions["PIL"] = PIL.__version__
    lmdb = None
    if args.mode.endswith("-lmdb"):
        lmdb = require("lmdb")
        versions["lmdb"] = lmdb.__version__
    mean, std = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)
    normalize = [T.ToTensor(), T.Normalize(mean, std)]
    if args.transform == "eval":
        transform = T.Compose([T.Resize(args.resize), T.CenterCrop(args.crop)] + normalize)
    elif args.transform == "train":
        transform = T.Compose([T.RandomResizedCrop(args.crop), T.RandomHorizontalFlip()] + normalize)
    else:
        transform = T.ToTensor()

    def decode(encoded):
        return Image.open(io.BytesIO(encoded)).convert("RGB")

    class Foreign(Dataset):
        """Opens its handle on first use in each process (never before the DataLoader forks)."""

        def __init__(self, count):
            self.count = count if args.limit is None else min(count, args.limit)
            self._handle = self._pid = None

        def __len__(self):
            return self.count

        def handle(self):
            if self._pid != os.getpid():
                self._handle, self._pid = self.open(), os.getpid()
            return self._handle

        def close(self):
            if self._handle is not None and self._pid == os.getpid():
                self._handle.close()
            self._handle = self._pid = None

        def __getitem__(self, i):
            if not 0 <= i < self.count:
                raise IndexError(i)
            image, label = self.read(i)
            return transform(image), label

    class PlainBin(Foreign):
        """train.bin + train.txt: seek, read, PIL."""

        def __init__(self, path):
            index = args.index
            if index is None:
                names = sorted(os.listdir(path))
                indexes = [n for n in names if n.endswith((".txt", ".tsv", ".idx", ".index"))]
                if len(indexes) != 1 or len(names) != 2:
                    raise ValueError(f"{path}: expected one data file and one .txt index, found {names}")
                index = os.path.join(path, indexes[0])
                path = os.path.join(path, next(n for n in names if n != indexes[0]))
            self.data = path
            self.spans = []
            with open(index, encoding="utf-8") as f:
                for number, line in enumerate(f, 1):
                    parsed = index_line(line)
                    if parsed is None:
                        raise ValueError(f"{index} line {number}: not offset<TAB>length[<TAB>label]")
                    self.spans.append((parsed[0], parsed[1], int_or_text(parsed[2])))
            super().__init__(len(self.spans))

        def open(self):
            return open(self.data, "rb", buffering=0)

        def read(self, i):
            offset, length, label = self.spans[i]
            f = self.handle()
            f.seek(offset)
            return decode(f.read(length)), label

    class PlainSqlite(Foreign):
        """The tutorial's table images(img_path, img_data, img_label): one SELECT per item."""

        def __init__(self, file):
            self.uri = "file:" + urllib.parse.quote(os.path.abspath(file)) + "?mode=ro&immutable=1"
            connection = self.open()
            try:
                table, columns = args.table, args.columns.split(",") if args.columns else None
                if table is None:
                    tables = [r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
                    table = "images" if "images" in tables else None
                    for name in tables if table is None else []:
                        info = connection.execute(f'PRAGMA table_info("{name}")').fetchall()
                        blobs = [c[1] for c in info if c[2].upper() == "BLOB"]
                        if len(blobs) == 1:
                            key = next(c[1] for c in info if c[1] != blobs[0])
                            label = [c[1] for c in info if c[1] not in (key, blobs[0])]
                            table, columns = name, [key, blobs[0]] + label[:1]
                columns = columns or ["img_path", "img_data", "img_label"]
                self.select = (f'SELECT "{columns[1]}", ' + (f'"{columns[2]}"' if len(columns) > 2 else "NULL")
                               + f' FROM "{table}" WHERE rowid = ?')
                self.rowids = [r[0] for r in connection.execute(f'SELECT rowid FROM "{table}" ORDER BY rowid')]
            finally:
                connection.close()
            super().__init__(len(self.rowids))

        def open(self):
            return sqlite3.connect(self.uri, uri=True)

        def read(self, i):
            data, label = self.handle().execute(self.select, (self.rowids[i],)).fetchone()
            return decode(data), int_or_text(label)

    class LmdbDataset(Foreign):
        """An LMDB environment opened read-only in each worker; keys listed once at construction."""

        def __init__(self, folder):
            self.folder = folder
            env = self.open()
            try:
                with env.begin() as txn:
                    self.keys = self.record_keys(txn)
            finally:
                env.close()
            super().__init__(len(self.keys))

        def open(self):
            return lmdb.open(self.folder, subdir=os.path.isdir(self.folder), readonly=True, lock=False,
                             readahead=False, meminit=False)

        def record_keys(self, txn):
            return [key for key, _ in txn.cursor()]

        def read(self, i):
            with self.handle().begin() as txn:
                value = txn.get(self.keys[i])
            if value is None:
                raise ValueError(f"record {i}: key {self.keys[i]!r} missing")
            return self.parse(i, value)

    class PickleLmdb(LmdbDataset):
        """The tutorial's ImageFolderLMDB: __keys__ / __len__, pickle.loads per item."""

        def record_keys(self, txn):
            return pickle.loads(txn.get(b"__keys__"))

        def parse(self, i, value):
            obj = pickle.loads(value)
            if isinstance(obj, tuple):
                array, label = obj
            else:
                array, label = obj.get_image(np), obj.label
            return Image.fromarray(array), int_or_text(label)

    class EncodedLmdb(LmdbDataset):
        def record_keys(self, txn):
            keys = super().record_keys(txn)
            self.labels = [-1] * len(keys)
            if args.labels:
                with open(args.labels, encoding="utf-8") as f:
                    self.labels = [int_or_text(line.strip()) for line in f]
            return keys

        def parse(self, i, value):
            return decode(value), self.labels[i]

    class CaffeLmdb(LmdbDataset):
        """caffe.Datum parsed by hand: 1 channels, 2 height, 3 width, 4 data, 5 label, 7 encoded."""

        def parse(self, i, value):
            datum = {n: v for n, _, v in fields(value)}
            data, label = bytes(datum.get(4, b"")), datum.get(5, 0)
            if datum.get(7):
                return decode(data), label
            c, h, w = datum.get(1, 0), datum.get(2, 0), datum.get(3, 0)
            chw = np.frombuffer(data, dtype=np.uint8).reshape(c, h, w)
            if c == 1:
                return Image.fromarray(chw[0]).convert("RGB"), label
            return Image.fromarray(np.ascontiguousarray(chw[::-1].transpose(1, 2, 0))), label  # BGR planes -> RGB HWC

    class WebDataset(Foreign):
        """Tar shards indexed once with tarfile (member data offsets), read by seek per item."""

        def __init__(self, path):
            if os.path.isdir(path):
                shards = sorted(os.path.join(path, n) for n in os.listdir(path) if n.endswith(".tar"))
            else:
                shards = expand_braces(path)
            self.shards = shards
            self.samples = []
            for s, shard in enumerate(shards):
                groups = {}
                with tarfile.open(shard) as tar:
                    for member in tar.getmembers():
                        if not member.isfile():
                            continue
                        folder, _, name = member.name.rpartition("/")
                        stem, _, ext = name.partition(".")
                        groups.setdefault(folder + "/" + stem, {})[ext.lower()] = (member.offset_data, member.size)
                for key, members in groups.items():
                    image = next((members[e] for e in ("jpg", "jpeg", "png") if e in members), None)
                    if image is not None:
                        label = members.get("cls") or members.get("txt")
                        self.samples.append((s, image, label))
            super().__init__(len(self.samples))

        def open(self):
            return Files([open(shard, "rb", buffering=0) for shard in self.shards])

        def read(self, i):
            s, (offset, size), label_span = self.samples[i]
            f = self.handle().files[s]
            f.seek(offset)
            image = decode(f.read(size))
            label = -1
            if label_span is not None:
                f.seek(label_span[0])
                label = int_or_text(f.read(label_span[1]))
            return image, label

    class Files:
        def __init__(self, files):
            self.files = files

        def close(self):
            for f in self.files:
                f.close()

    datasets = {"plain-bin": PlainBin, "plain-sqlite": PlainSqlite, "pickle-lmdb": PickleLmdb,
                "encoded-lmdb": EncodedLmdb, "caffe-lmdb": CaffeLmdb, "webdataset": WebDataset}
    return lambda: datasets[args.mode](args.path)

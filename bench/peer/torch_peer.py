#!/usr/bin/python3
"""The peer of `bale bench`: PyTorch's own DataLoader over the same data, timed.

Reads either the small files (torchvision's ImageFolder with its PIL loader) or a Bale container
the way a PyTorch user would write it by hand (a map-style Dataset that opens its file, connection
or LMDB environment lazily in each worker process, then decodes with OpenCV). Prints one JSON
object on stdout; on failure {"error": ...} and exit status 1.

Runs on Debian's packages (bench/peer/install_peer.sh); needs no PyPI package and no TensorFlow.
"""

import argparse
import json
import os
import platform
import re
import sqlite3
import struct
import sys
import time
import urllib.parse

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
MODES = ("imagefolder", "bin", "sqlite", "lmdb", "tfrecord")
# Datasets other tools wrote, read the way the PyTorch tutorials on "too many small files" do:
# PIL decodes, torchvision transforms (foreign_peer.py). Names are Bale's foreign kind ids.
FOREIGN_MODES = ("plain-bin", "plain-sqlite", "pickle-lmdb", "encoded-lmdb", "caffe-lmdb", "webdataset")
# Debian package that provides each module, for the error message.
PACKAGES = {"torch": "python3-torch", "torchvision": "python3-torchvision", "numpy": "python3-numpy",
            "cv2": "python3-opencv", "PIL": "python3-pil", "lmdb": "python3-lmdb"}


class PeerError(Exception):
    """A problem to report as {"error": ...} rather than as a traceback."""


def fail(message):
    print(json.dumps({"error": message}))
    sys.exit(1)


def require(module):
    try:
        return __import__(module)
    except ImportError as e:
        raise PeerError(f"missing Python module {module} ({e}); install {PACKAGES.get(module, module)}, "
                        "e.g. with bench/peer/install_peer.sh") from e


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--mode", choices=MODES + FOREIGN_MODES, required=True)
    p.add_argument("--path", required=True,
                   help="imagefolder: the class-folder root; bin/lmdb: the container folder; "
                        "sqlite/tfrecord: the container file (tfrecord needs PATH.idx beside it); "
                        "foreign modes: what `bale inspect` is given (webdataset: also a brace list)")
    p.add_argument("--workers", type=int, default=0, help="DataLoader worker processes (0: the main process)")
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--transform", choices=("eval", "train", "none"), default="eval",
                   help="eval: Resize+CenterCrop; train: RandomResizedCrop+flip (both ImageNet-normalized); "
                        "none: ToTensor only (images must share one size)")
    p.add_argument("--crop", type=int, default=224)
    p.add_argument("--resize", type=int, default=256)
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--warmup-batches", type=int, default=2,
                   help="batches at the start of the first epoch left out of the timing (worker start-up)")
    p.add_argument("--shuffle", action="store_true")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--limit", type=int, help="use only the first N records")
    p.add_argument("--index", help="plain-bin: the text index, when --path names the data file")
    p.add_argument("--table", help="plain-sqlite: the table (default: images, else the one table with a BLOB column)")
    p.add_argument("--columns", help="plain-sqlite: key,data[,label] column names")
    p.add_argument("--labels", help="encoded-lmdb: a text file with one label per record, in key order")
    p.add_argument("--dump-first", type=int, default=0, metavar="K",
                   help="also report the sum of each of the first K decoded tensors (record order, main process)")
    args = p.parse_args(argv)
    for name in ("workers", "warmup_batches", "dump_first"):
        if getattr(args, name) < 0:
            p.error(f"--{name.replace('_', '-')} must be >= 0")
    for name in ("batch", "epochs", "crop", "resize"):
        if getattr(args, name) < 1:
            p.error(f"--{name} must be >= 1")
    if args.limit is not None and args.limit < 1:
        p.error("--limit must be >= 1")
    if args.transform == "eval" and args.resize < args.crop:
        p.error("--resize must be >= --crop")
    return args


# ---------------------------------------------------------------------------------------------
# tf.train.Example, parsed by hand: Example{1: Features{1: map entry{1: key, 2: Feature}}},
# Feature{1: BytesList{1: bytes}, 2: FloatList, 3: Int64List{1: packed or single varints}}.

def _varint(buf, pos):
    result = shift = 0
    while True:
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, pos
        shift += 7
        if shift > 63:
            raise ValueError("varint longer than 10 bytes")


def _fields(buf):
    """(field number, wire type, value) for each field of a message: ints for varints, slices else."""
    pos, end = 0, len(buf)
    while pos < end:
        tag, pos = _varint(buf, pos)
        number, wire = tag >> 3, tag & 7
        if wire == 0:
            value, pos = _varint(buf, pos)
        elif wire == 2:
            size, pos = _varint(buf, pos)
            if pos + size > end:
                raise ValueError("length-delimited field runs past its message")
            value, pos = buf[pos:pos + size], pos + size
        elif wire == 1:
            value, pos = buf[pos:pos + 8], pos + 8
        elif wire == 5:
            value, pos = buf[pos:pos + 4], pos + 4
        else:
            raise ValueError(f"unsupported wire type {wire}")
        yield number, wire, value


def example_features(example, wanted):
    """The features of a serialized tf.train.Example whose names are in `wanted`: name -> Feature bytes."""
    found = {}
    for number, wire, features in _fields(example):
        if number != 1 or wire != 2:
            continue
        for entry_number, entry_wire, entry in _fields(features):
            if entry_number != 1 or entry_wire != 2:
                continue
            key = value = None
            for n, w, v in _fields(entry):
                if n == 1 and w == 2:
                    key = bytes(v).decode("utf-8")
                elif n == 2 and w == 2:
                    value = v
            if key in wanted and value is not None:
                found[key] = value
    return found


def feature_bytes(feature):
    for number, wire, value in _fields(feature):
        if number == 1 and wire == 2:  # BytesList
            for n, w, v in _fields(value):
                if n == 1 and w == 2:
                    return v
    raise ValueError("feature holds no bytes")


def feature_int(feature):
    for number, wire, value in _fields(feature):
        if number == 3 and wire == 2:  # Int64List
            for n, w, v in _fields(value):
                if n == 1 and w == 0:
                    return v - (1 << 64) if v >= 1 << 63 else v
                if n == 1 and w == 2:  # packed
                    first, _ = _varint(v, 0)
                    return first - (1 << 64) if first >= 1 << 63 else first
    raise ValueError("feature holds no int64")


# ---------------------------------------------------------------------------------------------

def build(args):
    """Everything that needs torch: returns (dataset factory, versions), imports checked first."""
    torch = require("torch")
    torchvision = require("torchvision")
    np = require("numpy")
    from torch.utils.data import Dataset
    from torchvision import transforms as T

    versions = {"python": platform.python_version(), "torch": torch.__version__,
                "torchvision": torchvision.__version__, "numpy": np.__version__}
    if args.mode in FOREIGN_MODES:
        import foreign_peer
        return foreign_peer.build(args, versions, require, _fields), versions
    if args.mode == "imagefolder":
        PIL = require("PIL")
        versions["PIL"] = PIL.__version__
    else:
        cv2 = require("cv2")
        versions["cv2"] = cv2.__version__
    if args.mode == "lmdb":
        lmdb = require("lmdb")
        versions["lmdb"] = lmdb.__version__

    def torchvision_transform():
        normalize = [T.ToTensor(), T.Normalize(IMAGENET_MEAN, IMAGENET_STD)]
        if args.transform == "eval":
            return T.Compose([T.Resize(args.resize), T.CenterCrop(args.crop)] + normalize)
        if args.transform == "train":
            return T.Compose([T.RandomResizedCrop(args.crop), T.RandomHorizontalFlip()] + normalize)
        return T.ToTensor()

    if args.mode == "imagefolder":
        from torchvision.datasets import ImageFolder

        def make():
            dataset = ImageFolder(args.path, transform=torchvision_transform())
            if args.limit is not None and args.limit < len(dataset):
                dataset = torch.utils.data.Subset(dataset, range(args.limit))
            return dataset
        return make, versions

    mean = torch.tensor(IMAGENET_MEAN).view(3, 1, 1)
    std = torch.tensor(IMAGENET_STD).view(3, 1, 1)
    scale = (0.08, 1.0)
    log_ratio = (np.log(3 / 4), np.log(4 / 3))

    def random_resized_crop_box(height, width):
        """torchvision.transforms.RandomResizedCrop.get_params on a size, with torch's RNG."""
        area = height * width
        for _ in range(10):
            target_area = area * torch.empty(1).uniform_(scale[0], scale[1]).item()
            aspect = float(np.exp(torch.empty(1).uniform_(log_ratio[0], log_ratio[1]).item()))
            w = int(round((target_area * aspect) ** 0.5))
            h = int(round((target_area / aspect) ** 0.5))
            if 0 < w <= width and 0 < h <= height:
                top = torch.randint(0, height - h + 1, size=(1,)).item()
                left = torch.randint(0, width - w + 1, size=(1,)).item()
                return top, left, h, w
        in_ratio = width / height  # fallback: central crop at the nearest allowed ratio
        if in_ratio < 3 / 4:
            w, h = width, int(round(width / (3 / 4)))
        elif in_ratio > 4 / 3:
            h, w = height, int(round(height * (4 / 3)))
        else:
            w, h = width, height
        return (height - h) // 2, (width - w) // 2, h, w

    def opencv_transform(rgb):
        """The torchvision steps on an RGB uint8 HWC array; bilinear resizes are cv2.INTER_LINEAR."""
        if args.transform == "eval":
            height, width = rgb.shape[:2]
            # Resize(int): the shorter side becomes `resize`, the longer is truncated as torchvision does.
            if height <= width:
                size = (int(args.resize * width / height), args.resize)
            else:
                size = (args.resize, int(args.resize * height / width))
            rgb = cv2.resize(rgb, size, interpolation=cv2.INTER_LINEAR)
            height, width = rgb.shape[:2]
            top = int(round((height - args.crop) / 2.0))
            left = int(round((width - args.crop) / 2.0))
            rgb = rgb[top:top + args.crop, left:left + args.crop]
        elif args.transform == "train":
            top, left, h, w = random_resized_crop_box(*rgb.shape[:2])
            rgb = cv2.resize(rgb[top:top + h, left:left + w], (args.crop, args.crop), interpolation=cv2.INTER_LINEAR)
            if torch.rand(1).item() < 0.5:
                rgb = cv2.flip(rgb, 1)
        tensor = torch.from_numpy(np.ascontiguousarray(rgb)).permute(2, 0, 1).contiguous().float().div_(255)
        if args.transform != "none":
            tensor.sub_(mean).div_(std)
        return tensor

    def decode(encoded):
        bgr = cv2.imdecode(np.frombuffer(encoded, dtype=np.uint8), cv2.IMREAD_COLOR)
        if bgr is None:
            raise ValueError(f"not a decodable image ({len(encoded)} bytes)")
        return opencv_transform(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))

    class ContainerDataset(Dataset):
        """Reads records by index; the handle is opened on first use in each process, never before a fork."""

        def __init__(self, count):
            self.count = count if args.limit is None else min(count, args.limit)
            self._handle = None
            self._pid = None

        def __len__(self):
            return self.count

        def handle(self):
            if self._pid != os.getpid():
                # One OpenCV thread per process: each decodes one image at a time, and a pool in every
                # worker process would oversubscribe the cores.
                cv2.setNumThreads(1)
                self._handle = self.open()
                self._pid = os.getpid()
            return self._handle

        def close(self):
            if self._handle is not None and self._pid == os.getpid():
                self._handle.close()
            self._handle = self._pid = None

        def __getitem__(self, i):
            if not 0 <= i < self.count:
                raise IndexError(i)
            encoded, label = self.read(i)
            return decode(encoded), label

    def manifest_classes(path):
        with open(path, encoding="utf-8") as f:
            return json.load(f)["classes"]

    class ClassIds:
        """A label text's class id: its index among the manifest's class names, else the number itself."""

        def __init__(self, classes):
            self.ids = {name: i for i, name in enumerate(classes)}

        def __call__(self, label):
            found = self.ids.get(label)
            return found if found is not None else int(label)

    escapes = {"t": "\t", "n": "\n", "r": "\r", "\\": "\\"}

    def unescape(text):
        r"""index.tsv writes backslash, tab, newline and carriage return in labels as \\ \t \n \r."""
        return re.sub(r"\\(.)", lambda m: escapes[m.group(1)], text)

    class BinDataset(ContainerDataset):
        def __init__(self, folder):
            class_id = ClassIds(manifest_classes(os.path.join(folder, "manifest.json")))
            self.offsets, self.lengths, self.labels = [], [], []
            with open(os.path.join(folder, "index.tsv"), encoding="utf-8") as f:
                for line in f:
                    offset, length, label = line.rstrip("\n").split("\t")
                    self.offsets.append(int(offset))
                    self.lengths.append(int(length))
                    self.labels.append(class_id(unescape(label)))
            self.data = os.path.join(folder, "data.bin")
            super().__init__(len(self.offsets))

        def open(self):
            return open(self.data, "rb", buffering=0)

        def read(self, i):
            f = self.handle()
            f.seek(self.offsets[i])
            encoded = f.read(self.lengths[i])
            if len(encoded) != self.lengths[i]:
                raise ValueError(f"record {i}: data.bin ends early")
            return encoded, self.labels[i]

    class SqliteDataset(ContainerDataset):
        def __init__(self, file):
            self.uri = "file:" + urllib.parse.quote(os.path.abspath(file)) + "?mode=ro"
            connection = self.open()
            try:
                count = connection.execute("SELECT count(*) FROM images").fetchone()[0]
                manifest = connection.execute("SELECT value FROM bale_meta WHERE name = 'manifest'").fetchone()
            finally:
                connection.close()
            self.class_id = ClassIds(json.loads(manifest[0])["classes"] if manifest else [])
            super().__init__(count)

        def open(self):
            return sqlite3.connect(self.uri, uri=True)

        def read(self, i):
            row = self.handle().execute("SELECT img_data, img_label FROM images WHERE rowid = ?", (i + 1,)).fetchone()
            if row is None:
                raise ValueError(f"record {i}: no row {i + 1}")
            return row[0], self.class_id(row[1])

    class LmdbHandle:
        """One process's environment and its two databases: images (encoded bytes), records (class ids)."""

        def __init__(self, env):
            self.env = env
            self.images = env.open_db(b"images", create=False)
            self.records = env.open_db(b"records", create=False)

        def close(self):
            self.env.close()

    class LmdbDataset(ContainerDataset):
        def __init__(self, folder):
            self.folder = folder
            handle = self.open()
            try:
                with handle.env.begin() as txn:
                    count = txn.stat(handle.images)["entries"]
            finally:
                handle.close()
            super().__init__(count)

        def open(self):
            return LmdbHandle(lmdb.open(self.folder, readonly=True, lock=False, max_dbs=3, readahead=False))

        def read(self, i):
            handle = self.handle()
            key = struct.pack(">Q", i)
            with handle.env.begin() as txn:
                encoded = txn.get(key, db=handle.images)
                record = txn.get(key, db=handle.records)
            if encoded is None or record is None:
                raise ValueError(f"record {i}: key missing")
            return encoded, struct.unpack_from("<i", record, 8)[0]  # length u32, CRC u32, class id i32

    class TfRecordDataset(ContainerDataset):
        IMAGE = ("image_raw", "image/encoded")
        LABEL = ("label", "image/class/label")

        def __init__(self, file):
            self.file = file
            self.spans = []
            with open(file + ".idx", encoding="ascii") as f:
                for line in f:
                    offset, size = line.split()
                    self.spans.append((int(offset), int(size)))
            super().__init__(len(self.spans))

        def open(self):
            return open(self.file, "rb", buffering=0)

        def read(self, i):
            offset, size = self.spans[i]
            f = self.handle()
            f.seek(offset)
            record = memoryview(f.read(size))
            # Framing: u64 length, u32 masked CRC of it, data, u32 masked CRC. CRCs are not checked
            # (Python's standard library has no CRC-32C); a user's hand-written reader rarely does.
            (length,) = struct.unpack_from("<Q", record, 0)
            if 12 + length + 4 > len(record):
                raise ValueError(f"record {i}: length {length} runs past its .idx size {size}")
            features = example_features(record[12:12 + length], self.IMAGE + self.LABEL)
            image = next((features[n] for n in self.IMAGE if n in features), None)
            label = next((features[n] for n in self.LABEL if n in features), None)
            if image is None:
                raise ValueError(f"record {i}: no image feature")
            return feature_bytes(image), feature_int(label) if label is not None else -1

    datasets = {"bin": BinDataset, "sqlite": SqliteDataset, "lmdb": LmdbDataset, "tfrecord": TfRecordDataset}
    return (lambda: datasets[args.mode](args.path)), versions


def checksums(dataset, k, torch, seed):
    """Sums of the first k samples in record order: a cheap cross-check against Bale's own output."""
    torch.manual_seed(seed)
    sums = []
    for i in range(min(k, len(dataset))):
        tensor, label = dataset[i]
        sums.append({"index": i, "label": int(label), "shape": list(tensor.shape),
                     "sum": float(tensor.double().sum())})
    return sums


def run(args):
    if not os.path.exists(args.path) and not (args.mode == "webdataset" and "{" in args.path):
        raise PeerError(f"no such file or folder: {args.path}")
    make_dataset, versions = build(args)
    import torch
    from torch.utils.data import DataLoader

    torch.manual_seed(args.seed)
    result = {"mode": args.mode, "path": os.path.abspath(args.path), "transform": args.transform,
              "crop": args.crop, "resize": args.resize, "workers": args.workers, "batch": args.batch,
              "epochs": args.epochs, "warmup_batches": args.warmup_batches, "shuffle": args.shuffle,
              "seed": args.seed, "versions": versions, "cpus": os.cpu_count(),
              "torch_threads": torch.get_num_threads(), "loadavg_before": os.getloadavg()[0]}

    if args.dump_first:
        # A dataset of its own, closed before the DataLoader forks, so no handle crosses a fork.
        probe = make_dataset()
        result["first_sums"] = checksums(probe, args.dump_first, torch, args.seed)
        if hasattr(probe, "close"):
            probe.close()

    dataset = make_dataset()
    result["records"] = len(dataset)
    loader = DataLoader(dataset, batch_size=args.batch, shuffle=args.shuffle, num_workers=args.workers,
                        generator=torch.Generator().manual_seed(args.seed),
                        # Workers live across epochs, as a training loop would keep them.
                        persistent_workers=args.workers > 0)

    started = time.perf_counter()
    timed_from = started if args.warmup_batches == 0 else None
    first_batch_s = None
    batches = images = 0
    sample_shape = None
    for _ in range(args.epochs):
        for tensors, _labels in loader:
            batches += 1
            if first_batch_s is None:
                first_batch_s = time.perf_counter() - started
                sample_shape = list(tensors.shape[1:])
            if batches <= args.warmup_batches:
                if batches == args.warmup_batches:
                    timed_from = time.perf_counter()
                continue
            images += tensors.shape[0]
    ended = time.perf_counter()
    if images == 0:
        raise PeerError(f"nothing was timed: the {args.warmup_batches} warm-up batches cover all {batches}; "
                        "raise --epochs or lower --warmup-batches")
    seconds = ended - timed_from
    result.update({"images": images, "seconds": round(seconds, 4), "images_per_s": round(images / seconds, 2),
                   "total_seconds": round(ended - started, 4), "first_batch_seconds": round(first_batch_s, 4),
                   "batches": batches, "sample_shape": sample_shape, "loadavg_after": os.getloadavg()[0]})
    return result


def main(argv=None):
    args = parse_args(argv)
    try:
        result = run(args)
    except PeerError as e:
        fail(str(e))
    except Exception as e:  # a damaged record, an unreadable file: reported in the same JSON shape
        fail(f"{type(e).__name__}: {e}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()

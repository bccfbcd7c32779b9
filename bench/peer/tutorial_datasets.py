#!/usr/bin/python3
"""Writes a folder of class folders as the datasets PyTorch tutorials on "too many small files" make,
for `bale bench FOREIGN` and `bale convert` to be tried on:

  pickle-lmdb/   LMDB of pickle.dumps(LMDB_Image) (decoded RGB HWC pixels), b"__keys__", b"__len__"
  plain-bin/     train.bin (the files concatenated) + train.txt (offset<TAB>length<TAB>label lines)
  plain.sqlite   CREATE TABLE images (img_path TEXT PRIMARY KEY, img_data BLOB, img_label TEXT)

Usage: tutorial_datasets.py IMAGE_FOLDER OUT [--kinds pickle-lmdb,plain-bin,plain-sqlite]
Needs Debian's python3-pil, python3-numpy and (for pickle-lmdb) python3-lmdb.
"""

import argparse
import os
import pickle
import sqlite3


class LMDB_Image:
    """The tutorial's class: pickled as __main__.LMDB_Image."""

    def __init__(self, image, label):
        self.channels = image.shape[2]
        self.size = image.shape[:2]
        self.image = image.tobytes()
        self.label = label


def files(root):
    classes = sorted(d for d in os.listdir(root) if os.path.isdir(os.path.join(root, d)))
    for label, name in enumerate(classes):
        for file in sorted(os.listdir(os.path.join(root, name))):
            yield os.path.join(name, file), os.path.join(root, name, file), label


def pickle_lmdb(items, out):
    import lmdb
    import numpy as np
    from PIL import Image

    env = lmdb.open(out, map_size=1 << 40, subdir=True, meminit=False, map_async=True)
    keys = []
    with env.begin(write=True) as txn:
        for i, (_, path, label) in enumerate(items):
            image = np.array(Image.open(path).convert("RGB"))
            key = str(i).encode("ascii")
            txn.put(key, pickle.dumps(LMDB_Image(image, label)))
            keys.append(key)
        txn.put(b"__keys__", pickle.dumps(keys))
        txn.put(b"__len__", pickle.dumps(len(keys)))
    env.sync()
    env.close()


def plain_bin(items, out):
    os.makedirs(out, exist_ok=True)
    offset = 0
    with open(os.path.join(out, "train.bin"), "wb") as data, open(os.path.join(out, "train.txt"), "w") as index:
        for _, path, label in items:
            with open(path, "rb") as f:
                encoded = f.read()
            data.write(encoded)
            index.write(f"{offset}\t{len(encoded)}\t{label}\n")
            offset += len(encoded)


def plain_sqlite(items, out):
    connection = sqlite3.connect(out)
    connection.execute("CREATE TABLE images (img_path TEXT PRIMARY KEY, img_data BLOB, img_label TEXT)")
    for key, path, label in items:
        with open(path, "rb") as f:
            connection.execute("INSERT INTO images VALUES (?, ?, ?)", (key, f.read(), str(label)))
    connection.commit()
    connection.close()


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("images")
    p.add_argument("out")
    p.add_argument("--kinds", default="pickle-lmdb,plain-bin,plain-sqlite")
    args = p.parse_args()
    items = list(files(args.images))
    writers = {"pickle-lmdb": (pickle_lmdb, "pickle-lmdb"), "plain-bin": (plain_bin, "plain-bin"),
               "plain-sqlite": (plain_sqlite, "plain.sqlite")}
    os.makedirs(args.out, exist_ok=True)
    for kind in args.kinds.split(","):
        write, name = writers[kind]
        write(items, os.path.join(args.out, name))
        print(f"{kind}: {len(items)} records -> {os.path.join(args.out, name)}")


if __name__ == "__main__":
    main()

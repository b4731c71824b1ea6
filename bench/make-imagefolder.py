#!/usr/bin/env python3
"""Writes Fashion-MNIST training images as an imagefolder (PNG files + metadata.jsonl) for `langevin diffusion
train --images`: real images in the layout a user's own captioned data would have.

Usage: make-imagefolder.py FASHION_MNIST_DIR OUT_DIR COUNT
Captions are free text in the user's style ("a photo of a sneaker", "a sneaker"), one line per image.
"""
import gzip, json, os, struct, sys, zlib

import numpy as np

# The noun phrases of `langevin diffusion evaluate`'s prompts ("a photo of …"), so the judge can score the model.
NOUNS = ["a t-shirt", "a pair of trousers", "a pullover", "a dress", "a coat", "a sandal", "a shirt", "a sneaker", "a bag", "an ankle boot"]


def png(path, image):
    height, width = image.shape
    raw = b"".join(b"\0" + image[y].tobytes() for y in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def main(source, out, count):
    images = np.frombuffer(gzip.open(os.path.join(source, "train-images-idx3-ubyte.gz")).read()[16:], np.uint8).reshape(-1, 28, 28)
    labels = np.frombuffer(gzip.open(os.path.join(source, "train-labels-idx1-ubyte.gz")).read()[8:], np.uint8)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "metadata.jsonl"), "w") as meta:
        for i in range(count):
            name = f"{i:05d}.png"
            png(os.path.join(out, name), images[i])
            noun = NOUNS[labels[i]]
            text = [f"a photo of {noun}", noun]
            meta.write(json.dumps({"file_name": name, "text": text}) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))

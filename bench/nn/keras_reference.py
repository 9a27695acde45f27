"""The bench-nn epochs in Keras 3, for side-by-side figures (run in a venv outside the repo):

    python -m venv /tmp/kenv && /tmp/kenv/bin/pip install keras tensorflow-cpu
    /tmp/kenv/bin/python bench/nn/keras_reference.py [--model mlp|cnn] [--runs N]

Each model is traced on a few batches first; then `runs` timed epochs, of which the median
samples/s is printed (the MLP's epoch includes validation, as bench-nn's does).
"""
import argparse
import gzip
import statistics
import time

import numpy as np
import keras

D = "/usr/share/datasets/fashion-mnist"


def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    rank = data[3]
    shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(rank)]
    return np.frombuffer(data, np.uint8, offset=4 + 4 * rank).reshape(shape)


parser = argparse.ArgumentParser()
parser.add_argument("--model", choices=["mlp", "cnn"])
parser.add_argument("--runs", type=int, default=3)
args = parser.parse_args()

x = idx(f"{D}/train-images-idx3-ubyte.gz").astype("float32") / 255
y = idx(f"{D}/train-labels-idx1-ubyte.gz")


def compiled(layers):
    keras.utils.set_random_seed(1)
    model = keras.Sequential(layers)
    model.compile(optimizer="adam",
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    return model


if args.model in (None, "mlp"):
    for batch in (32, 256):
        rates, cpu, acc = [], [], 0.0
        model = compiled([keras.Input((28, 28)), keras.layers.Flatten(),
                          keras.layers.Dense(512, activation="relu"), keras.layers.Dense(10)])
        model.fit(x[:2048], y[:2048], batch_size=batch, epochs=1, verbose=0)  # warm-up / tracing
        for _ in range(args.runs):
            start, cpu_start = time.time(), time.process_time()
            h = model.fit(x, y, batch_size=batch, epochs=1, validation_split=0.2, verbose=0)
            rates.append(48000 / (time.time() - start))
            cpu.append((time.process_time() - cpu_start) / 60000 * 1e6)
            acc = h.history["val_accuracy"][-1]
        print(f"keras mlp batch {batch}: {statistics.median(rates):.0f} samples/s "
              f"(median of {args.runs}: {' '.join(f'{r:.0f}' for r in rates)}), "
              f"CPU {statistics.median(cpu):.1f} µs/row, val_accuracy {acc:.4f}")

if args.model in (None, "cnn"):
    xc, yc = x[:12000, :, :, None], y[:12000]
    model = compiled([
        keras.Input((28, 28, 1)),
        keras.layers.Conv2D(32, 3, activation="relu"), keras.layers.MaxPooling2D(2),
        keras.layers.Conv2D(64, 3, activation="relu"), keras.layers.MaxPooling2D(2),
        keras.layers.Flatten(), keras.layers.Dropout(0.5), keras.layers.Dense(10),
    ])
    model.fit(xc[:2048], yc[:2048], batch_size=64, epochs=1, verbose=0)  # warm-up / tracing
    rates, cpu = [], []
    for _ in range(args.runs):
        start, cpu_start = time.time(), time.process_time()
        h = model.fit(xc, yc, batch_size=64, epochs=1, verbose=0)
        rates.append(12000 / (time.time() - start))
        cpu.append((time.process_time() - cpu_start) / 12000 * 1e6)
    print(f"keras cnn batch 64: {statistics.median(rates):.0f} samples/s "
          f"(median of {args.runs}: {' '.join(f'{r:.0f}' for r in rates)}), CPU {statistics.median(cpu):.0f} µs/sample, "
          f"accuracy {h.history['accuracy'][-1]:.4f}")

"""The bench-nn epoch in Keras 3, for side-by-side figures (run in a venv outside the repo):

    python -m venv /tmp/kenv && /tmp/kenv/bin/pip install keras tensorflow-cpu
    /tmp/kenv/bin/python bench/nn/keras_reference.py
"""
import gzip
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


x = idx(f"{D}/train-images-idx3-ubyte.gz").astype("float32") / 255
y = idx(f"{D}/train-labels-idx1-ubyte.gz")

for batch in (32, 256):
    keras.utils.set_random_seed(1)
    model = keras.Sequential([
        keras.Input((28, 28)),
        keras.layers.Flatten(),
        keras.layers.Dense(512, activation="relu"),
        keras.layers.Dense(10),
    ])
    model.compile(optimizer="adam",
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    model.fit(x[:2048], y[:2048], batch_size=batch, epochs=1, verbose=0)  # warm-up / tracing
    start = time.time()
    h = model.fit(x, y, batch_size=batch, epochs=1, validation_split=0.2, verbose=0)
    total = time.time() - start
    print(f"keras batch {batch}: {48000 / total:.0f} samples/s, "
          f"val_accuracy {h.history['val_accuracy'][-1]:.4f}")

"""Keras Tuner's introductory tutorial (Hyperband 10/3 on Fashion-MNIST, then the best model
trained again and evaluated), the reference for bench/workers/run.sh. Prints the best
val_accuracy of the search on its last line."""
import gzip
import os
import shutil

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import keras
import keras_tuner as kt


def build(hp):
    model = keras.Sequential([
        keras.Input((28, 28)),
        keras.layers.Flatten(),
        keras.layers.Dense(hp.Int("units", min_value=32, max_value=512, step=32), activation="relu"),
        keras.layers.Dense(10),
    ])
    model.compile(optimizer=keras.optimizers.Adam(hp.Choice("learning_rate", [1e-2, 1e-3, 1e-4])),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    return model


def idx(name):
    """An IDX file of Debian's dataset-fashion-mnist (the machine has no network for Keras's download)."""
    with gzip.open(f"/usr/share/datasets/fashion-mnist/{name}-ubyte.gz", "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


x_train, y_train = idx("train-images-idx3"), idx("train-labels-idx1")
x_test, y_test = idx("t10k-images-idx3"), idx("t10k-labels-idx1")
x_train, x_test = x_train / 255.0, x_test / 255.0
shutil.rmtree("kt_runs", ignore_errors=True)
tuner = kt.Hyperband(build, objective="val_accuracy", max_epochs=10, factor=3, seed=1,
                     directory="kt_runs", project_name="intro_to_kt")
stop_early = keras.callbacks.EarlyStopping(monitor="val_loss", patience=5)
tuner.search(x_train, y_train, epochs=50, validation_split=0.2, callbacks=[stop_early], verbose=0)
best_trial = tuner.oracle.get_best_trials(1)[0]
model = tuner.hypermodel.build(best_trial.hyperparameters)
model.fit(x_train, y_train, epochs=10, validation_split=0.2, verbose=0,
          callbacks=[keras.callbacks.EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True)])
model.evaluate(x_test, y_test, verbose=0)
print(f"best val_accuracy {best_trial.score:.4f}")

"""Issue 13's reference: the same search with Optuna's MedianPruner on Keras (TensorFlow).

    python bench/prune/reference.py pruned|unpruned [trials] [epochs] [samples]
Prints one line in the format of prune.lua's.
"""
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import keras  # noqa: E402
import numpy as np  # noqa: E402
import optuna  # noqa: E402

mode = sys.argv[1] if len(sys.argv) > 1 else "pruned"
trials = int(sys.argv[2]) if len(sys.argv) > 2 else 30
epochs = int(sys.argv[3]) if len(sys.argv) > 3 else 10
samples = int(sys.argv[4]) if len(sys.argv) > 4 else 0

def idx(name):
    """The Debian package's IDX files, which tunelua's load_data reads too (no download)."""
    import gzip
    with gzip.open(f"/usr/share/datasets/fashion-mnist/{name}.gz") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


x, y = idx("train-images-idx3-ubyte"), idx("train-labels-idx1-ubyte")
x = x.astype("float32") / 255
if 0 < samples < len(x):
    x, y = x[:samples], y[:samples]
trained = 0


class Report(keras.callbacks.Callback):
    """Optuna's KerasPruningCallback, written out: report val_accuracy, stop when pruned."""

    def __init__(self, trial):
        super().__init__()
        self.trial = trial
        self.pruned = False

    def on_epoch_end(self, epoch, logs=None):
        global trained
        trained += 1
        self.trial.report(logs["val_accuracy"], epoch)
        if self.trial.should_prune():
            self.pruned = True
            self.model.stop_training = True


def objective(trial):
    units = trial.suggest_int("units", 32, 512, step=32)
    lr = trial.suggest_categorical("learning_rate", [1e-2, 1e-3, 1e-4])
    model = keras.Sequential([
        keras.Input((28, 28)), keras.layers.Flatten(),
        keras.layers.Dense(units, activation="relu"), keras.layers.Dense(10),
    ])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=lr),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    cb = Report(trial)
    history = model.fit(x, y, epochs=epochs, validation_split=0.2, verbose=0, callbacks=[cb])
    if cb.pruned:
        raise optuna.TrialPruned()
    return max(history.history["val_accuracy"])


optuna.logging.set_verbosity(optuna.logging.WARNING)
keras.utils.set_random_seed(1)
pruner = optuna.pruners.MedianPruner() if mode == "pruned" else optuna.pruners.NopPruner()
study = optuna.create_study(direction="maximize", sampler=optuna.samplers.RandomSampler(seed=7), pruner=pruner)
start = time.time()
study.optimize(objective, n_trials=trials)
wall = time.time() - start
n_pruned = sum(t.state == optuna.trial.TrialState.PRUNED for t in study.trials)
print(f"optuna {mode}: {trials} trials ({n_pruned} pruned), {trained} epochs trained, {wall:.1f} s, "
      f"best val_accuracy {study.best_value:.4f}")

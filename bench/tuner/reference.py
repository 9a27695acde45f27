"""The same black-box search in Keras Tuner and in Optuna (SQLite storage), for a side-by-side run.
Not part of the project: run it from a virtual environment that has keras-tuner and optuna.
Prints overhead per trial (total time minus time inside the objective), like overhead.lua.
    python bench/tuner/reference.py [trials]
"""
import os, sys, tempfile, time

n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000


def keras_tuner_overhead():
    import keras_tuner as kt
    inside = [0.0]

    class Quadratic(kt.RandomSearch):
        def run_trial(self, trial, *args, **kwargs):
            s = time.perf_counter()
            x = trial.hyperparameters.Float("x", -2.0, 2.0)
            y = x * x + 2 * x + 1
            inside[0] += time.perf_counter() - s
            return y

    with tempfile.TemporaryDirectory() as d:
        tuner = Quadratic(objective=kt.Objective("y", "min"), max_trials=n, seed=7, overwrite=True,
                          directory=d, project_name="quadratic")
        t0 = time.perf_counter()
        tuner.search(verbose=0)
        total = time.perf_counter() - t0
    return total, inside[0]


def optuna_overhead():
    import optuna
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    inside = [0.0]

    def objective(trial):
        s = time.perf_counter()
        x = trial.suggest_float("x", -2.0, 2.0)
        y = x * x + 2 * x + 1
        inside[0] += time.perf_counter() - s
        return y

    with tempfile.TemporaryDirectory() as d:
        study = optuna.create_study(direction="minimize", storage=f"sqlite:///{d}/optuna.db",
                                    sampler=optuna.samplers.RandomSampler(seed=7))
        t0 = time.perf_counter()
        study.optimize(objective, n_trials=n)
        total = time.perf_counter() - t0
    return total, inside[0]


for name, fn in (("keras-tuner", keras_tuner_overhead), ("optuna", optuna_overhead)):
    try:
        total, inside = fn()
        print(f"{name}: {n} trials, {total:.3f} s total, {inside:.3f} s inside run_trial, "
              f"overhead {(total - inside) / n * 1e6:.1f} us/trial")
    except ImportError as e:
        print(f"{name}: not installed ({e})")

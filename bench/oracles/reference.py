"""Reference figures for bench-oracles: Optuna's GPSampler and TPE and Keras Tuner's
BayesianOptimization on the same four functions, 60 trials, median simple regret over seeds, with
the wall time per search.

Run it in a virtual environment outside the repository (GPSampler needs torch, and greenlet for its
batched acquisition optimizer; without greenlet it runs several times slower):

    python3 -m venv /tmp/ref && /tmp/ref/bin/pip install optuna torch greenlet scipy keras-tuner keras jax
    KERAS_BACKEND=jax /tmp/ref/bin/python bench/oracles/reference.py --seeds 10

or let the Swift benchmark run it: `REF_PYTHON=/tmp/ref/bin/python swift run -c release bench-oracles`
(it reads the `--tsv` lines). Keras Tuner is driven through its oracle alone (no model, no
training); a missing package only skips its rows.
"""

import argparse
import math
import statistics
import tempfile
import time

import numpy as np


def branin(x):
    a, b, c, r, s, t = 1.0, 5.1 / (4 * math.pi**2), 5 / math.pi, 6.0, 10.0, 1 / (8 * math.pi)
    return a * (x[1] - b * x[0] ** 2 + c * x[0] - r) ** 2 + s * (1 - t) * math.cos(x[0]) + s


HART_A = np.array([[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14],
                   [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]])
HART_P = 1e-4 * np.array([[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991],
                          [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]])
HART_ALPHA = np.array([1.0, 1.2, 3.0, 3.2])


def hartmann6(x):
    x = np.asarray(x)
    return float(-np.sum(HART_ALPHA * np.exp(-np.sum(HART_A * (x - HART_P) ** 2, axis=1))))


def rosenbrock(x):
    return float(sum(100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2 for i in range(len(x) - 1)))


def ackley(x):
    x = np.asarray(x)
    d = len(x)
    return float(-20 * math.exp(-0.2 * math.sqrt(np.sum(x**2) / d)) - math.exp(np.sum(np.cos(2 * math.pi * x)) / d) + 20 + math.e)


FUNCTIONS = [
    ("Branin", branin, [(-5, 10), (0, 15)], 0.397887357729738),
    ("Hartmann6", hartmann6, [(0, 1)] * 6, -3.32236801141551),
    ("Rosenbrock4", rosenbrock, [(-5, 10)] * 4, 0.0),
    ("Ackley5", ackley, [(-32.768, 32.768)] * 5, 0.0),
]


def run_optuna(fn, bounds, seed, trials):
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=seed))
    study.optimize(lambda t: fn([t.suggest_float(f"x{i}", lo, hi) for i, (lo, hi) in enumerate(bounds)]), n_trials=trials)
    return study.best_value


def run_gp(fn, bounds, seed, trials):
    import optuna

    optuna.logging.set_verbosity(optuna.logging.ERROR)
    study = optuna.create_study(sampler=optuna.samplers.GPSampler(seed=seed))
    study.optimize(lambda t: fn([t.suggest_float(f"x{i}", lo, hi) for i, (lo, hi) in enumerate(bounds)]), n_trials=trials)
    return study.best_value


def run_keras_tuner(fn, bounds, seed, trials):
    import keras_tuner as kt

    hps = kt.HyperParameters()
    for i, (lo, hi) in enumerate(bounds):
        hps.Float(f"x{i}", lo, hi)
    oracle = kt.oracles.BayesianOptimizationOracle(objective=kt.Objective("y", "min"), max_trials=trials,
                                                   hyperparameters=hps, seed=seed)
    with tempfile.TemporaryDirectory() as directory:
        oracle._set_project_dir(directory, "reference")
        best = math.inf
        for _ in range(trials):
            trial = oracle.create_trial("tuner0")
            if trial.status == "STOPPED":
                break
            y = fn([trial.hyperparameters.get(f"x{i}") for i in range(len(bounds))])
            oracle.update_trial(trial.trial_id, {"y": y})
            trial.status = "COMPLETED"
            oracle.end_trial(trial)
            best = min(best, y)
    return best


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--trials", type=int, default=60)
    parser.add_argument("--only", default="gp,optuna,kt", help="comma-separated: gp (GPSampler), optuna (TPE), kt")
    parser.add_argument("--function", help="run one function only")
    parser.add_argument("--tsv", action="store_true", help="one line per row: function, method, regret, seconds")
    args = parser.parse_args()
    runners = {"gp": run_gp, "optuna": run_optuna, "kt": run_keras_tuner}
    if not args.tsv:
        print(f"median simple regret at {args.trials} trials over {args.seeds} seeds (seeds 1..{args.seeds})")
        print(f"{'function':13} {'method':8} {'regret':>12} {'search s':>9}")
    for name, fn, bounds, minimum in FUNCTIONS:
        if args.function and name != args.function:
            continue
        for method in args.only.split(","):
            regrets, seconds = [], []
            try:
                for seed in range(1, args.seeds + 1):
                    start = time.perf_counter()
                    best = runners[method](fn, bounds, seed, args.trials)
                    seconds.append(time.perf_counter() - start)
                    regrets.append(best - minimum)
            except ImportError as error:
                if not args.tsv:
                    print(f"{name:13} {method:8} skipped ({error})")
                continue
            if args.tsv:
                print(f"{name}\t{method}\t{statistics.median(regrets)!r}\t{statistics.median(seconds)!r}", flush=True)
            else:
                print(f"{name:13} {method:8} {statistics.median(regrets):12.4g} {statistics.median(seconds):9.3f}")


if __name__ == "__main__":
    main()

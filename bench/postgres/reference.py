"""Optuna 5 on the same server for bench/postgres/run.sh: one peer process.

    python reference.py URL STUDY N_TRIALS_TOTAL

RandomSampler and RDBStorage (Optuna's own defaults otherwise); each process stops when the
study holds N_TRIALS_TOTAL finished trials (MaxTrialsCallback), as tunelua's max_trials does.
"""
import sys

import optuna
from optuna.study import MaxTrialsCallback
from optuna.trial import TrialState

url, study_name, total = sys.argv[1], sys.argv[2], int(sys.argv[3])
optuna.logging.set_verbosity(optuna.logging.WARNING)
storage = optuna.storages.RDBStorage(url)
study = optuna.create_study(study_name=study_name, storage=storage, load_if_exists=True,
                            sampler=optuna.samplers.RandomSampler(seed=None))


def objective(trial):
    x = trial.suggest_float("x", 0, 1)
    y = trial.suggest_float("y", -1, 1)
    return x * x + y


study.optimize(objective, n_trials=total,
               callbacks=[MaxTrialsCallback(total, states=(TrialState.COMPLETE,))])

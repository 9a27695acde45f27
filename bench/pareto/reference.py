"""Issue 14's benchmark, Optuna's side: TPESampler and NSGAIISampler on ZDT1 and DTLZ2 (the
problems and reference points of problems.lua), printing the hypervolume after N trials.
  python bench/pareto/reference.py zdt1|dtlz2 tpe|nsga2 [seed=1] [trials=100]
The hypervolume is computed here exactly (a sweep in 2-D, slicing in 3-D) as tunelua does."""
import math
import sys

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)


def zdt1(x):
    g = 1 + 9 * sum(x[1:]) / (len(x) - 1)
    return [x[0], g * (1 - math.sqrt(x[0] / g))]


def dtlz2(x):
    g = sum((v - 0.5) ** 2 for v in x[2:])
    a, b = x[0] * math.pi / 2, x[1] * math.pi / 2
    return [(1 + g) * math.cos(a) * math.cos(b), (1 + g) * math.cos(a) * math.sin(b), (1 + g) * math.sin(a)]


PROBLEMS = {"zdt1": (zdt1, 30, [1.1, 11.0]), "dtlz2": (dtlz2, 12, [2.0, 2.0, 2.0])}


def hypervolume(points, ref):
    points = [p for p in points if all(v < r for v, r in zip(p, ref))]
    if not points:
        return 0.0
    if len(ref) == 2:
        total, best_y = 0.0, ref[1]
        for x, y in sorted(points):
            if y < best_y:
                total += (ref[0] - x) * (best_y - y)
                best_y = y
        return total
    points = sorted(points, key=lambda p: p[-1])
    total = 0.0
    for k, p in enumerate(points):
        top = points[k + 1][-1] if k + 1 < len(points) else ref[-1]
        if top > p[-1]:
            total += (top - p[-1]) * hypervolume([q[:-1] for q in points[: k + 1]], ref[:-1])
    return total


def main():
    name, sampler_name = sys.argv[1], sys.argv[2]
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    trials = int(sys.argv[4]) if len(sys.argv) > 4 else 100
    f, n, ref = PROBLEMS[name]
    sampler = (optuna.samplers.TPESampler(seed=seed) if sampler_name == "tpe"
               else optuna.samplers.NSGAIISampler(seed=seed))
    study = optuna.create_study(directions=["minimize"] * len(ref), sampler=sampler)
    study.optimize(lambda t: f([t.suggest_float(f"x{i + 1}", 0, 1) for i in range(n)]), n_trials=trials)
    hv = hypervolume([t.values for t in study.trials if t.values is not None], ref)
    print(f"optuna {sampler_name} {name} seed {seed}: hypervolume {hv:.6f} ({trials} trials)")


if __name__ == "__main__":
    main()

"""Benchmark: classifying job postings — accuracy on the held-out labelled sample, and speed.

    .venv/bin/python bench/talent_classify.py                    # 100,000 postings, one core
    .venv/bin/python bench/talent_classify.py --postings 1000000 --processes 2

No database: the classifier is built from the shipped files (the occupations of
data/talent/occupations-2022.csv, the alias dictionary, the skills and certificates), exactly as
``talent.classify.make_classifier`` does for an installation without learnt aliases.

Printed:
- **accuracy** on ``data/talent/postings-labelled.csv`` (hand-labelled, not used to build the
  dictionary), overall and by method (alias in the title, alias in the text, similarity, none),
  with every miss listed. Informative, not a goal: the script does not fail on it.
- **speed**: postings classified (occupation, skills, certificates, education, skill level) per
  second on one core, over ``--postings`` postings made by recombining the sample's titles and
  texts with decorations; with ``--processes N`` also the total over N worker processes.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sys
import time
from collections import Counter
from multiprocessing import Pool
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhijiao.settings.dev")

from zhijiao.talent.classify import Classifier, make_classifier  # noqa: E402

DATA = ROOT / "data" / "talent"
DECORATIONS = ["", "（急招）", "【高薪】", "（包吃住）", "-长白班", " 8-12K"]


def occupation_names() -> dict[str, str]:
    names = {}
    with (DATA / "occupations-2022.csv").open(encoding="utf-8") as f:
        for row in csv.reader(line for line in f if not line.startswith("#")):
            if row and row[0].count("-") == 3:
                names[row[0]] = row[1]
    return names


def labelled() -> list[tuple[str, str, str]]:
    with (DATA / "postings-labelled.csv").open(encoding="utf-8") as f:
        reader = csv.reader(line for line in f if not line.startswith("#"))
        next(reader)
        return [(r[0], r[1], r[2]) for r in reader if len(r) >= 3]


def accuracy(classifier: Classifier, sample: list[tuple[str, str, str]]) -> None:
    by_method: Counter[str] = Counter()
    right_by_method: Counter[str] = Counter()
    misses = []
    for title, text, code in sample:
        result = classifier.classify(title, text)
        by_method[result.method] += 1
        if result.code == code:
            right_by_method[result.method] += 1
        else:
            misses.append((title, code, result.code, result.method, result.confidence))
    right = sum(right_by_method.values())
    print(f"accuracy on the held-out sample: {right}/{len(sample)} = {right / len(sample):.1%}")
    for method, n in by_method.most_common():
        print(f"  {method:12s} {right_by_method[method]:3d}/{n:3d} right")
    for title, code, got, method, confidence in misses:
        print(f"  miss: {title!r}: labelled {code}, got {got} ({method}, {confidence:.2f})")


def postings(n: int, sample: list[tuple[str, str, str]], seed: int = 5) -> list[tuple[str, str]]:
    rng = random.Random(seed)  # noqa: S311 - benchmark data
    titles = [t for t, _x, _c in sample]
    texts = [x for _t, x, _c in sample]
    return [
        (
            rng.choice(titles) + rng.choice(DECORATIONS),
            "；".join(rng.sample(texts, 3)) + "，中专及以上学历，持职业技能等级证书优先。",
        )
        for _ in range(n)
    ]


_WORKER: Classifier | None = None


def _init() -> None:
    global _WORKER
    _WORKER = make_classifier(occupation_names())


def _work(chunk: list[tuple[str, str]]) -> int:
    assert _WORKER is not None
    for title, text in chunk:
        _WORKER.classify(title, text)
    return len(chunk)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postings", type=int, default=100_000)
    parser.add_argument("--processes", type=int, default=1)
    args = parser.parse_args()

    started = time.perf_counter()
    classifier = make_classifier(occupation_names())
    print(
        f"classifier built in {time.perf_counter() - started:.2f} s "
        f"({len(classifier.aliases)} aliases, {len(classifier.names)} occupations)"
    )
    sample = labelled()
    accuracy(classifier, sample)

    data = postings(args.postings, sample)
    started = time.perf_counter()
    for title, text in data:
        classifier.classify(title, text)
    elapsed = time.perf_counter() - started
    print(
        f"one core: {args.postings:,} postings in {elapsed:.1f} s = {args.postings / elapsed:,.0f} postings/s"
    )

    if args.processes > 1:
        size = max(1, len(data) // (args.processes * 8))
        chunks = [data[i : i + size] for i in range(0, len(data), size)]
        with Pool(args.processes, initializer=_init) as pool:
            pool.map(_work, chunks[:1])  # warm-up: every worker builds its classifier first
            started = time.perf_counter()
            done = sum(pool.map(_work, chunks))
            elapsed = time.perf_counter() - started
        print(
            f"{args.processes} processes: {done:,} postings in {elapsed:.1f} s = "
            f"{done / elapsed:,.0f} postings/s ({done / elapsed / args.processes:,.0f} per process)"
        )


if __name__ == "__main__":
    main()

"""Classifying a Chinese job posting to an occupation of the 职业分类大典, and reading the skills,
certificates, education and skill level it asks for.

Three steps, the first that answers wins (docs/talent-analysis.md):

1. **Alias dictionary, longest match, in the title.** Every occupation's standard name and every
   alias (``data/talent/occupation-aliases.csv`` plus the aliases analysts' corrections taught,
   :class:`~zhijiao.talent.models.OccupationAlias`) is looked for in the cleaned title; the longest
   one found decides ("数控车工" beats "车工", "汽车维修工" beats "维修工"). Confidence 0.95 when
   the alias is the whole title, else 0.85.
2. **The same in the description** (its first sentences), confidence 0.6: titles such as
   "普工" or "储备干部" say nothing, the text often does.
3. **Similarity.** The title (counted twice) and the text are segmented with jieba; each
   occupation has a bag of words from its name and aliases, also segmented; the best cosine
   similarity above :data:`MIN_SIMILARITY` gives the occupation, with confidence = similarity × 0.6
   (never above 0.6: a guess is always shown for review).

Below that the posting stays unclassified (confidence 0). Nothing here touches the database:
:func:`build_classifier` gathers the dictionaries once, and a :class:`Classifier` is a plain object
that a benchmark or a worker process can use on millions of postings.
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from .data import ClassifyMethod, Education, SkillLevel

DATA_DIR = Path(__file__).resolve().parents[3] / "data" / "talent"
ALIAS_FILE = "occupation-aliases.csv"
SKILLS_FILE = "skills.csv"

MIN_SIMILARITY = 0.25
TEXT_WINDOW = 120  # characters of the description searched for an alias
CONF_WHOLE_TITLE = 0.95
CONF_IN_TITLE = 0.85
CONF_IN_TEXT = 0.6
SIMILARITY_SCALE = 0.6

# Bracketed asides and recruiting noise in titles: "焊工（急招，包吃住）", "【高薪】数控车工".
BRACKETS = re.compile(r"[（(【\[〔{<《][^）)】\]〕}>》]*[）)】\]〕}>》]?")
NOISE = re.compile(
    r"急招|急聘|诚聘|高薪|招聘|直招|包吃住|包住|双休|五险一金|长白班|两班倒|学徒|储备|熟练|"
    r"月薪[\d.kK千万\-–~～]+|\d+[kK]?[-–~～]\d+[kK]|\d+名|若干"
)
STOP_WORDS = frozenset(
    "的 和 与 及 或 有 等 能 者 人员 工作 岗位 负责 相关 以上 优先 要求 公司 我司 经验 年 具有 "
    "熟悉 了解 掌握 能够 可以 进行 一 二 三 1 2 3 一年 两年 身体健康 吃苦耐劳".split()
)

EDUCATION_WORDS: list[tuple[str, str]] = [
    ("博士", Education.POSTGRADUATE),
    ("硕士", Education.POSTGRADUATE),
    ("研究生", Education.POSTGRADUATE),
    ("本科", Education.BACHELOR),
    ("大专", Education.COLLEGE),
    ("专科", Education.COLLEGE),
    ("高职", Education.COLLEGE),
    ("中专", Education.SECONDARY),
    ("中职", Education.SECONDARY),
    ("技校", Education.SECONDARY),
    ("高中", Education.SECONDARY),
    ("初中", Education.JUNIOR_HIGH),
]
# Longest first: "高级技师" before "技师", "高级工" before ... .
SKILL_WORDS: list[tuple[str, str]] = [
    ("首席技师", SkillLevel.CHIEF_TECHNICIAN),
    ("特级技师", SkillLevel.MASTER_TECHNICIAN),
    ("高级技师", SkillLevel.SENIOR_TECHNICIAN),
    ("高级职称", SkillLevel.SENIOR_TITLE),
    ("中级职称", SkillLevel.INTERMEDIATE_TITLE),
    ("初级职称", SkillLevel.JUNIOR_TITLE),
    ("助理工程师", SkillLevel.JUNIOR_TITLE),
    ("高级工", SkillLevel.SENIOR_WORKER),
    ("中级工", SkillLevel.INTERMEDIATE_WORKER),
    ("初级工", SkillLevel.JUNIOR_WORKER),
    ("技师", SkillLevel.TECHNICIAN),
]


def normalize(text: str) -> str:
    """NFKC (full-width letters and digits to half-width), lower case, no spaces."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "")).lower()


def clean_title(title: str) -> str:
    """The title without bracketed asides and recruiting noise, normalized."""
    text = unicodedata.normalize("NFKC", title or "")
    text = BRACKETS.sub("", text)
    text = NOISE.sub("", text)
    return normalize(text).strip("-—_/|·,，。、")


@dataclass(frozen=True)
class Classification:
    code: str | None
    confidence: float
    method: str
    matched: str = ""
    skills: tuple[str, ...] = ()
    certificates: tuple[str, ...] = ()
    education: str = Education.ANY
    skill_level: str = SkillLevel.ANY


@dataclass
class Dictionaries:
    """What a classifier knows: alias → code, code → name, and the skill and certificate terms
    (term → canonical name)."""

    aliases: dict[str, str]
    names: dict[str, str]
    skills: dict[str, str] = field(default_factory=dict)
    certificates: dict[str, str] = field(default_factory=dict)


@cache
def _tokenizer() -> Any:
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


class Classifier:
    """Classifies postings with fixed dictionaries (see the module's docstring)."""

    def __init__(self, dictionaries: Dictionaries) -> None:
        self.names = dict(dictionaries.names)
        aliases: dict[str, str] = {}
        for code, name in self.names.items():
            aliases[clean_title(name)] = code
        for alias, code in dictionaries.aliases.items():
            key = clean_title(alias)
            if key and code in self.names:
                aliases[key] = code
        # Longest first, so the first alias found is the longest match.
        self.aliases = sorted(aliases.items(), key=lambda item: (-len(item[0]), item[0]))
        self.lookup = aliases
        self.longest = max((len(a) for a in aliases), default=0)
        self.skills = sorted(
            ((normalize(t), n) for t, n in dictionaries.skills.items()), key=lambda x: -len(x[0])
        )
        self.certificates = sorted(
            ((normalize(t), n) for t, n in dictionaries.certificates.items()),
            key=lambda x: -len(x[0]),
        )
        bags: dict[str, Counter[str]] = {code: Counter() for code in self.names}
        for alias, code in self.aliases:
            bags[code].update(self._features(alias))
            bags[code][alias] += 2
        # tf-idf: a word many occupations share (操作, 工程) says little about which one it is.
        df: Counter[str] = Counter(token for bag in bags.values() for token in bag)
        total = max(len(bags), 1)
        self.idf = {token: math.log(1 + total / n) for token, n in df.items()}
        self.bags = {
            code: {t: c * self.idf[t] for t, c in bag.items()} for code, bag in bags.items() if bag
        }
        self.norms = {
            code: math.sqrt(sum(v * v for v in bag.values())) for code, bag in self.bags.items()
        }
        # Token → the occupations whose bag holds it, so similarity looks only at candidates.
        self.index: dict[str, list[str]] = {}
        for code, bag in self.bags.items():
            for token in bag:
                self.index.setdefault(token, []).append(code)

    @staticmethod
    def _features(text: str) -> list[str]:
        """jieba's words of more than one character, and the character pairs of the Chinese runs
        (a word jieba does not know, such as 电芯, still shares pairs with 电芯操作工)."""
        words = [
            t
            for t in _tokenizer().lcut(text, HMM=False)
            if len(t) > 1 and t not in STOP_WORDS and not t.isdecimal()
        ]
        return words + _pairs(text)

    def _longest_alias(self, text: str) -> str | None:
        """The longest alias found in the text: every substring, longest first, looked up in the
        dictionary (a short title costs a few dozen lookups, whatever the dictionary's size)."""
        lookup = self.lookup
        for length in range(min(len(text), self.longest), 0, -1):
            for start in range(len(text) - length + 1):
                piece = text[start : start + length]
                if piece in lookup:
                    return piece
        return None

    def occupation(self, title: str, text: str = "") -> tuple[str | None, float, str, str]:
        """(code, confidence, method, matched alias or "") for a title and description."""
        cleaned = clean_title(title)
        alias = self._longest_alias(cleaned) if cleaned else None
        if alias is not None:
            confidence = CONF_WHOLE_TITLE if alias == cleaned else CONF_IN_TITLE
            return self._code(alias), confidence, ClassifyMethod.ALIAS_TITLE, alias
        body = normalize(text)[:TEXT_WINDOW]
        alias = self._first_alias(body) if body else None
        if alias is not None and len(alias) >= 2:
            return self._code(alias), CONF_IN_TEXT, ClassifyMethod.ALIAS_TEXT, alias
        return self._similar(cleaned, normalize(text))

    def _first_alias(self, text: str) -> str | None:
        """The longest alias in a longer text: the dictionary, longest first, scanned (cheaper than
        every substring of a description)."""
        for alias, _code in self.aliases:
            if alias in text:
                return alias
        return None

    def _code(self, alias: str) -> str:
        return self.lookup[alias]

    def _similar(self, title: str, text: str) -> tuple[str | None, float, str, str]:
        words: Counter[str] = Counter()
        for token in self._features(title):
            words[token] += 2
        # The description by character pairs only: jieba on long texts would cost most of the
        # time, and pairs carry the same words.
        words.update(_pairs(text[:200]))
        if not words:
            return None, 0.0, ClassifyMethod.NONE, ""
        candidates = {code for token in words for code in self.index.get(token, ())}
        weights = {t: c * self.idf.get(t, 0.0) for t, c in words.items()}
        # Words no occupation knows do not count against the match: the query's norm is taken
        # over known words only (a long description is not a worse match than a short one).
        norm = math.sqrt(sum(v * v for v in weights.values())) or 1.0
        best, best_score = None, 0.0
        for code in sorted(candidates):
            bag = self.bags[code]
            dot = sum(weight * bag[token] for token, weight in weights.items() if token in bag)
            score = dot / (norm * self.norms[code])
            if score > best_score:
                best, best_score = code, score
        if best is None or best_score < MIN_SIMILARITY:
            return None, 0.0, ClassifyMethod.NONE, ""
        return (
            best,
            round(min(best_score, 1.0) * SIMILARITY_SCALE, 3),
            ClassifyMethod.SIMILARITY,
            "",
        )

    def extract(self, text: str) -> tuple[tuple[str, ...], tuple[str, ...], str, str]:
        """Skills, certificates, education and skill level a posting's text asks for."""
        body = normalize(text)
        skills = _terms(self.skills, body)
        certificates = _terms(self.certificates, body)
        education: str = Education.ANY
        if "学历不限" not in body:
            # "中专或大专及以上": the lowest level named is the requirement.
            found = [value for word, value in EDUCATION_WORDS if word in body]
            if found:
                education = found[-1]
        skill_level: str = SkillLevel.ANY
        for word, value in SKILL_WORDS:
            if word in body:
                skill_level = value
                break
        return skills, certificates, education, skill_level

    def classify(self, title: str, text: str = "") -> Classification:
        code, confidence, method, matched = self.occupation(title, text)
        skills, certificates, education, skill_level = self.extract(f"{title}\n{text}")
        return Classification(
            code=code,
            confidence=confidence,
            method=method,
            matched=matched,
            skills=skills,
            certificates=certificates,
            education=education,
            skill_level=skill_level,
        )


CJK_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")


def _pairs(text: str) -> list[str]:
    """The pairs of adjacent Chinese characters in the text, stop words left out."""
    pairs = [run[i : i + 2] for run in CJK_RUN.findall(text) for i in range(len(run) - 1)]
    return [p for p in pairs if p not in STOP_WORDS]


def _terms(terms: list[tuple[str, str]], body: str) -> tuple[str, ...]:
    found: list[str] = []
    for term, name in terms:
        if term and term in body and name not in found:
            found.append(name)
    return tuple(found)


# ---------------------------------------------------------------- dictionaries from files


def _csv_rows(content: str) -> Iterable[list[str]]:
    lines = [line for line in content.lstrip("\ufeff").splitlines() if not line.startswith("#")]
    reader = csv.reader(io.StringIO("\n".join(lines)))
    next(reader, None)  # header
    for row in reader:
        if row and any(cell.strip() for cell in row):
            yield [cell.strip() for cell in row]


def shipped_aliases(path: Path | None = None) -> dict[str, str]:
    content = (path or DATA_DIR / ALIAS_FILE).read_text(encoding="utf-8")
    return {row[0]: row[1] for row in _csv_rows(content) if len(row) >= 2}


def shipped_terms(path: Path | None = None) -> tuple[dict[str, str], dict[str, str]]:
    """(skills, certificates) as term → canonical name."""
    content = (path or DATA_DIR / SKILLS_FILE).read_text(encoding="utf-8")
    skills: dict[str, str] = {}
    certificates: dict[str, str] = {}
    for row in _csv_rows(content):
        if len(row) < 2:
            continue
        kind, name = row[0], row[1]
        terms = [t for t in (row[2] if len(row) > 2 else name).split("|") if t] or [name]
        target = certificates if kind == "证书" else skills
        for term in terms:
            target[term] = name
    return skills, certificates


def make_classifier(
    names: Mapping[str, str], learnt: Mapping[str, str] | None = None
) -> Classifier:
    """A classifier over these occupations (code → name) with the shipped dictionaries and the
    learnt aliases (alias → code), which win over shipped ones."""
    aliases = shipped_aliases()
    aliases.update(learnt or {})
    skills, certificates = shipped_terms()
    return Classifier(
        Dictionaries(aliases=aliases, names=dict(names), skills=skills, certificates=certificates)
    )


def build_classifier() -> Classifier:
    """A classifier over the current occupation edition's 职业 (level 4) and every alias."""
    from .catalogue import current_edition
    from .data import CatalogueKind
    from .models import Occupation, OccupationAlias

    edition = current_edition(CatalogueKind.OCCUPATIONS)
    names: dict[str, str] = {}
    if edition is not None:
        names = dict(
            Occupation.objects.filter(edition=edition, level=4).values_list("code", "name")
        )
    learnt = dict(OccupationAlias.objects.values_list("alias", "occupation_code"))
    return make_classifier(names, learnt)

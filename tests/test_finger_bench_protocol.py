"""The comparisons ``kiosk bench finger`` makes: FVC protocol and multi-finger fusion."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.bench.finger import all_impostor_pairs, comparisons, draw_fusions, fusion_pairs, fvc_pairs, parse_samples
from kiosk.config import Config


def test_fvc_protocol_on_ten_fingers_of_eight_impressions() -> None:
    files = [Path(f"{100 + f}_{i}.png") for f in range(1, 11) for i in range(1, 9)]
    samples = parse_samples(files, "fvc")
    genuine, impostor = fvc_pairs(samples)
    assert len(genuine) == 10 * 28
    assert len(impostor) == 45
    assert all(samples[a].impression == 1 and samples[b].impression == 1 for a, b in impostor)
    assert all(samples[a].finger == samples[b].finger for a, b in genuine)


def test_neurotech_names_are_person_finger_scan() -> None:
    (sample,) = parse_samples([Path("012_10_3.png")], "neurotech")
    assert (sample.person, sample.finger, sample.impression) == ("012", "012_10", 3)


def test_files_that_do_not_follow_the_layout_are_ignored() -> None:
    assert parse_samples([Path("README-source.txt"), Path("a_b.png")], "fvc") == []


def test_two_finger_fusion_pairs_the_same_positions_of_two_persons() -> None:
    files = [Path(f"{p:03d}_{f}_{s}.png") for p in (1, 2, 3) for f in (1, 2, 3) for s in (1, 2)]
    samples = parse_samples(files, "neurotech")
    genuine, impostor = fusion_pairs(samples, 2)
    assert len(genuine) == 3 * 3 * 1  # persons x finger pairs x scan pairs
    assert len(impostor) == 3 * 3 * 4  # person pairs x finger pairs x scans x scans
    for comparison in genuine + impostor:
        assert len(comparison) == 2
        for a, b in comparison:
            assert samples[a].finger.split("_")[1] == samples[b].finger.split("_")[1]
    for comparison in impostor:
        assert all(samples[a].person != samples[b].person for a, b in comparison)


def test_calibration_impostors_are_every_pair_of_different_fingers() -> None:
    files = [Path(f"{100 + f}_{i}.png") for f in range(1, 5) for i in range(1, 4)]
    samples = parse_samples(files, "fvc")
    genuine, impostor = comparisons(samples, 1, "all")
    assert len(genuine) == 4 * 3
    assert len(impostor) == (12 * 11) // 2 - 4 * 3  # all pairs minus same-finger pairs
    assert all(samples[a].finger != samples[b].finger for ((a, b),) in impostor)
    assert len(all_impostor_pairs(samples)) == len(impostor)
    _, fvc_impostor = comparisons(samples, 1, "fvc")
    assert len(fvc_impostor) == 6  # first impressions only


def test_drawn_fusions_combine_comparisons_of_distinct_fingers() -> None:
    files = [Path(f"{100 + f}_{i}.png") for f in range(1, 7) for i in range(1, 5)]
    samples = parse_samples(files, "fvc")
    fingers = [s.finger for s in samples]
    genuine, impostor = comparisons(samples, 1, "all")
    drawn_genuine = draw_fusions(genuine, fingers, 2, 500, seed=1)
    drawn_impostor = draw_fusions(impostor, fingers, 2, 500, seed=2)
    assert len(drawn_genuine) == 500 and len(drawn_impostor) == 500
    assert len(set(drawn_genuine)) == 500  # no comparison drawn twice
    for comparison in drawn_genuine:
        (a, b), (c, d) = comparison
        assert fingers[a] == fingers[b] and fingers[c] == fingers[d] and fingers[a] != fingers[c]
    for comparison in drawn_impostor:
        used = [fingers[i] for pair in comparison for i in pair]
        assert len(set(used)) == 4  # four different fingers: two independent impostor comparisons
    assert draw_fusions(drawn_genuine[:0], fingers, 2, 10, seed=1) == []


def test_mindtct_minutiae_matched_by_mcc_tell_fingers_apart(data_root: Path, config: Config) -> None:
    """The opt-in ``mindtct_mcc`` engine of ``kiosk bench finger``: two scans of a finger score above
    two different fingers."""
    from biometrics.finger import image as fimage
    from kiosk.bench.finger import build_engines

    engine = build_engines(config, 500, ["mindtct_mcc"])["mindtct_mcc"]
    folder = data_root / "fingerprints/fvc2004/DB2_B"
    a1, a2, b1 = (engine.extract(fimage.read(folder / name)) for name in ("101_1.png", "101_2.png", "102_1.png"))
    assert a1 is not None and a2 is not None and b1 is not None
    assert all(m.kind in ("ending", "bifurcation") for m in a1.minutiae)
    assert engine.match(a1, a2) > engine.match(a1, b1)


def test_calibrate_says_when_a_set_is_too_small_for_k_fingers(
    data_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Three fingers cannot give two-finger impostors on distinct fingers: a clear message, not a crash."""
    from kiosk.cli import main

    for finger in (101, 102, 103):
        for impression in (1, 2):
            name = f"{finger}_{impression}.png"
            (tmp_path / name).symlink_to(data_root / "fingerprints/fvc2004/DB2_B" / name)
    status = main(["finger", "calibrate", "--dir", str(tmp_path), "--layout", "fvc", "--fusion", "1,2"])
    out, err = capsys.readouterr()
    assert status == 2
    (line,) = out.splitlines()
    assert json.loads(line)["fusion"] == 1 and json.loads(line)["n_impostor"] == 12
    assert "--fusion 2" in err and "no 2-finger impostor comparisons" in err

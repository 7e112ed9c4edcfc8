"""Minutia Cylinder-Code: local descriptors of the minutiae around each minutia.

After Cappelli, Ferrara and Maltoni, "Minutia Cylinder-Code: a new representation and
matching technique for fingerprint recognition", IEEE TPAMI 32(12), 2010. Each minutia gets a
cylinder of radius ``radius`` centred on it and rotated to its direction: ``cells`` x ``cells``
spatial cells times ``sections`` angular sections. A cell holds how many neighbouring minutiae
lie near its centre (Gaussian in space) with a direction difference near its section's angle
(Gaussian in angle), squashed by a sigmoid. Cells outside the fingerprint (the minutiae's
convex hull grown by ``hull_margin``) are invalid, so a partial print does not count as a
mismatch. Cylinders are invariant to translation and rotation, and tolerant to distortion
because each only sees ``radius`` pixels.

Coordinates: x to the right, y down (pixels at 500 dpi); angles counter-clockwise from the
x axis as seen on the image, so a minutia at angle t points along (cos t, -sin t).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from math import erf, sqrt

import cv2
import numpy as np

TWO_PI = 2.0 * np.pi


@dataclass(frozen=True)
class CylinderParams:
    radius: float = 70.0
    cells: int = 16  # spatial cells per side
    sections: int = 6  # angular sections
    sigma_space: float = 28.0 / 3.0
    sigma_angle: float = 2.0 * np.pi / 9.0
    sigmoid_mu: float = 0.01
    sigmoid_tau: float = 400.0
    hull_margin: float = 50.0
    min_valid_fraction: float = 0.75  # of the cells inside the radius
    min_neighbours: int = 2


@dataclass(frozen=True)
class Cylinders:
    """The cylinders of one template; ``values`` and ``valid`` are zero where invalid."""

    xy: np.ndarray  # (n, 2) float64, image coordinates
    angle: np.ndarray  # (n,) radians
    values: np.ndarray  # (n, cells*cells*sections) float32, 0 in invalid cells
    valid: np.ndarray  # (n, cells*cells) float32 0/1
    usable: np.ndarray  # (n,) bool: enough valid cells and neighbours

    @property
    def count(self) -> int:
        return int(self.xy.shape[0])


def wrap_angle(a: np.ndarray) -> np.ndarray:
    """Angles folded into [-pi, pi)."""
    return (a + np.pi) % TWO_PI - np.pi


ANGLE_TABLE_SIZE = 1024


@lru_cache(maxsize=8)
def _angular_table(sections: int, sigma: float) -> np.ndarray:
    """Integral of the angle Gaussian over each section, tabulated over [-pi, pi): (size, sections)."""
    width = TWO_PI / sections
    centres = -np.pi + (np.arange(sections) + 0.5) * width
    diffs = -np.pi + (np.arange(ANGLE_TABLE_SIZE) + 0.5) * TWO_PI / ANGLE_TABLE_SIZE
    d = wrap_angle(centres[None, :] - diffs[:, None])
    scale = 1.0 / (sigma * sqrt(2.0))
    upper = np.array([erf(v) for v in ((d + width / 2) * scale).ravel()]).reshape(d.shape)
    lower = np.array([erf(v) for v in ((d - width / 2) * scale).ravel()]).reshape(d.shape)
    return np.asarray(0.5 * (upper - lower))


def _angular_weights(diff: np.ndarray, params: CylinderParams) -> np.ndarray:
    """(..., sections) weight of each angular section for direction differences ``diff``."""
    table = _angular_table(params.sections, params.sigma_angle)
    index = ((wrap_angle(diff) + np.pi) * (ANGLE_TABLE_SIZE / TWO_PI)).astype(np.int64) % ANGLE_TABLE_SIZE
    return np.asarray(table[index])


HULL_GRID = 4  # pixels per cell of the raster used to test "inside the grown hull"


def _inside_grown_hull(points: np.ndarray, minutiae: np.ndarray, margin: float) -> np.ndarray:
    """Which ``points`` lie within ``margin`` pixels of the minutiae's convex hull."""
    lo = minutiae.min(axis=0) - margin - HULL_GRID
    hi = minutiae.max(axis=0) + margin + HULL_GRID
    size = np.ceil((hi - lo) / HULL_GRID).astype(int) + 1
    canvas = np.zeros((size[1], size[0]), dtype=np.uint8)
    grid = np.round((minutiae - lo) / HULL_GRID).astype(np.int32)
    hull = cv2.convexHull(grid.reshape(-1, 1, 2))
    cv2.fillConvexPoly(canvas, hull, 1)
    distance = cv2.distanceTransform((1 - canvas).astype(np.uint8), cv2.DIST_L2, 3) * HULL_GRID
    cells = np.round((points - lo) / HULL_GRID).astype(np.int64)
    inside_canvas = (cells[:, 0] >= 0) & (cells[:, 1] >= 0) & (cells[:, 0] < size[0]) & (cells[:, 1] < size[1])
    result = np.zeros(points.shape[0], dtype=bool)
    ok = np.flatnonzero(inside_canvas)
    result[ok] = distance[cells[ok, 1], cells[ok, 0]] <= margin
    return result


def build_cylinders(xy: np.ndarray, angle: np.ndarray, params: CylinderParams | None = None) -> Cylinders:
    """The cylinder of every minutia (x, y in pixels at 500 dpi, angle in radians)."""
    p = params or CylinderParams()
    xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
    angle = np.asarray(angle, dtype=np.float64).reshape(-1)
    n = xy.shape[0]
    ns, nd = p.cells, p.sections
    values = np.zeros((n, ns * ns * nd), dtype=np.float32)
    valid = np.zeros((n, ns * ns), dtype=np.float32)
    usable = np.zeros(n, dtype=bool)
    if n == 0:
        return Cylinders(xy, angle, values, valid, usable)

    step = 2.0 * p.radius / ns
    offsets = (np.arange(ns) - (ns - 1) / 2.0) * step
    gx, gy = np.meshgrid(offsets, offsets, indexing="xy")  # cell (row j, column i)
    local = np.stack([gx.ravel(), gy.ravel()], axis=1)  # (cells^2, 2), in the minutia's frame
    in_radius = np.hypot(local[:, 0], local[:, 1]) <= p.radius

    # Cell centres in image coordinates: the frame's x axis along the minutia's direction,
    # which on the image (y down) is (cos t, -sin t); its y axis is (sin t, cos t).
    c, s = np.cos(angle), np.sin(angle)
    centres_x = xy[:, 0, None] + local[None, :, 0] * c[:, None] + local[None, :, 1] * s[:, None]
    centres_y = xy[:, 1, None] - local[None, :, 0] * s[:, None] + local[None, :, 1] * c[:, None]
    centres = np.stack([centres_x, centres_y], axis=2)  # (n, cells^2, 2)

    cell_valid = _inside_grown_hull(centres.reshape(-1, 2), xy, p.hull_margin).reshape(n, -1)
    cell_valid &= in_radius[None, :]

    # Spatial contributions of every minutia to every cell of every cylinder.
    centres32 = centres.astype(np.float32)
    xy32 = xy.astype(np.float32)
    dx = centres32[:, :, None, 0] - xy32[None, None, :, 0]
    dy = centres32[:, :, None, 1] - xy32[None, None, :, 1]
    dist2 = dx * dx + dy * dy  # (n, cells^2, n)
    spatial = np.exp(dist2 * np.float32(-1.0 / (2.0 * p.sigma_space**2))) * np.float32(
        1.0 / (p.sigma_space * sqrt(TWO_PI))
    )
    spatial[np.arange(n), :, np.arange(n)] = 0.0  # a minutia does not describe itself
    # Angular contribution: the neighbour's direction relative to the centre minutia's.
    rel = wrap_angle(angle[None, :] - angle[:, None])  # (n, n): [centre, neighbour]
    angular = _angular_weights(rel, p).astype(np.float32)  # (n, n, sections)
    contrib = np.einsum("icm,imk->ick", spatial, angular)  # (n, cells^2, sections)
    cyl = 1.0 / (1.0 + np.exp(-p.sigmoid_tau * (contrib - p.sigmoid_mu)))
    cyl = np.where(cell_valid[:, :, None], cyl, 0.0)

    neighbours = (
        (np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1]) <= p.radius + 3 * p.sigma_space)
        & ~np.eye(n, dtype=bool)
    ).sum(axis=1)
    enough_cells = cell_valid.sum(axis=1) >= p.min_valid_fraction * in_radius.sum()
    usable = enough_cells & (neighbours >= p.min_neighbours)
    values[:] = cyl.reshape(n, -1)
    valid[:] = cell_valid
    return Cylinders(xy, angle, values, valid, usable)


@dataclass(frozen=True)
class LocalParams:
    max_angle: float = np.pi / 2  # centre minutiae directions may differ by at most this
    min_matchable: float = 0.6  # fraction of a cylinder's cells valid in both


def local_similarity(a: Cylinders, b: Cylinders, cyl: CylinderParams, params: LocalParams) -> np.ndarray:
    """(na, nb) similarity in [0, 1] of every cylinder of ``a`` with every cylinder of ``b``.

    Each pair is compared only on the cells valid in both (normalised Euclidean distance),
    and scores 0 when the centre directions differ too much or too few cells overlap.
    """
    na, nb = a.count, b.count
    if na == 0 or nb == 0:
        return np.zeros((na, nb), dtype=np.float32)
    cells2, nd = cyl.cells * cyl.cells, cyl.sections
    a2 = (a.values.reshape(na, cells2, nd) ** 2).sum(axis=2)
    b2 = (b.values.reshape(nb, cells2, nd) ** 2).sum(axis=2)
    saa = a2 @ b.valid.T
    sbb = a.valid @ b2.T
    sab = a.values @ b.values.T
    matchable = a.valid @ b.valid.T
    norm = np.sqrt(saa) + np.sqrt(sbb)
    diff = np.sqrt(np.maximum(saa + sbb - 2.0 * sab, 0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        sim = np.where(norm > 0, 1.0 - diff / norm, 0.0)
    max_cells = float(np.pi * (cyl.cells / 2.0) ** 2)
    ok = matchable >= params.min_matchable * max_cells
    ok &= np.abs(wrap_angle(a.angle[:, None] - b.angle[None, :])) <= params.max_angle
    ok &= a.usable[:, None] & b.usable[None, :]
    return np.where(ok, sim, 0.0).astype(np.float32)


@dataclass(frozen=True)
class RelaxParams:
    """Local Similarity Sort with Relaxation (LSS-R), the paper's defaults."""

    min_pairs: int = 4
    max_pairs: int = 12
    pairs_mu: float = 20.0
    pairs_tau: float = 0.4
    iterations: int = 5
    weight: float = 0.5
    mu_distance: float = 5.0
    tau_distance: float = -1.6
    mu_direction: float = np.pi / 12
    tau_direction: float = -30.0
    mu_radial: float = np.pi / 12
    tau_radial: float = -30.0


def _sigmoid(v: np.ndarray | float, mu: float, tau: float) -> np.ndarray:
    return np.asarray(1.0 / (1.0 + np.exp(-tau * (np.asarray(v) - mu))))


def _radial(xy: np.ndarray, angle: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Angle between minutia i's direction and the line from minutia j to i (y up)."""
    dx = xy[i, 0] - xy[j, 0]
    dy = -(xy[i, 1] - xy[j, 1])
    return np.asarray(wrap_angle(angle[i] - np.arctan2(dy, dx)))


def lss_r(
    sim: np.ndarray, a: Cylinders, b: Cylinders, params: RelaxParams
) -> tuple[float, np.ndarray, np.ndarray]:
    """Global score from the local similarity matrix: (score, pairs (k, 2), their weights).

    The best ``min(na, nb)`` local pairs are relaxed: each pair's similarity is pulled towards
    that of the pairs geometrically compatible with it (same distances, relative directions
    and radial angles), so isolated look-alikes fade. The score is the mean relaxed similarity
    of the pairs that kept most of their initial similarity.
    """
    na, nb = sim.shape
    n_min = min(na, nb)
    if n_min == 0:
        return 0.0, np.zeros((0, 2), dtype=np.int64), np.zeros(0)
    spread = params.max_pairs - params.min_pairs
    n_pairs = params.min_pairs + round(float(_sigmoid(n_min, params.pairs_mu, params.pairs_tau)) * spread)
    flat = sim.ravel()
    n_rel = min(n_min, int(np.count_nonzero(flat > 0)))
    if n_rel == 0:
        return 0.0, np.zeros((0, 2), dtype=np.int64), np.zeros(0)
    top = np.argpartition(-flat, n_rel - 1)[:n_rel]
    top = top[np.argsort(-flat[top], kind="stable")]
    ra, rb = np.divmod(top, nb)
    lam0 = flat[top].astype(np.float64)

    if n_rel > 1:
        ia, ja = np.meshgrid(ra, ra, indexing="ij")
        ib, jb = np.meshgrid(rb, rb, indexing="ij")
        da = np.hypot(a.xy[ia, 0] - a.xy[ja, 0], a.xy[ia, 1] - a.xy[ja, 1])
        db = np.hypot(b.xy[ib, 0] - b.xy[jb, 0], b.xy[ib, 1] - b.xy[jb, 1])
        d1 = np.abs(da - db)
        d2 = np.abs(
            wrap_angle(wrap_angle(a.angle[ia] - a.angle[ja]) - wrap_angle(b.angle[ib] - b.angle[jb]))
        )
        d3 = np.abs(wrap_angle(_radial(a.xy, a.angle, ia, ja) - _radial(b.xy, b.angle, ib, jb)))
        rho = (
            _sigmoid(d1, params.mu_distance, params.tau_distance)
            * _sigmoid(d2, params.mu_direction, params.tau_direction)
            * _sigmoid(d3, params.mu_radial, params.tau_radial)
        )
        np.fill_diagonal(rho, 0.0)
        lam = lam0.copy()
        for _ in range(params.iterations):
            lam = params.weight * lam + (1.0 - params.weight) * (rho @ lam) / (n_rel - 1)
    else:
        lam = lam0 * params.weight**params.iterations
    efficiency = lam / np.maximum(lam0, 1e-12)
    keep = np.argsort(-efficiency, kind="stable")[: min(n_pairs, n_rel)]
    score = float(lam[keep].sum() / n_pairs)
    return score, np.stack([ra[keep], rb[keep]], axis=1), lam[keep]

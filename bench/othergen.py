"""An independent synthetic microscopy generator, written to the OpenCell raw layout.

Why: the project's findings are first checked on data from its own synthetic generator, whose quirks the models
(and the people tuning them) may have learned. This file was designed separately, from the biology only, without
reading the project's generator, so that a finding which also holds here is less likely to be an artefact of one
simulator. It deliberately differs in pixel size, cell layout, shapes, textures, optics and camera.

Each field of view has a variable number of cells (dense clumps or sparse fields with empty background). Nuclei are
ellipses perturbed by a smooth random radial function, with Hoechst chromatin foci and one or two darker nucleoli.
Each cell owns a cytoplasm territory (nearest nucleus, limited to an irregular reach). The tagged protein follows
one of ten OpenCell grade-3 families, always tied to that geometry. Optics: Gaussian PSF, out-of-focus haze,
uneven illumination; camera: Poisson shot noise, gain, Gaussian read noise, offset ~100, clipped to uint16.

    python bench/othergen.py OUT_DIR --proteins 30 --fovs 4 --size 192 --seed 0

writes OUT_DIR/<NAME>_<ENSG>/OC-FOV_<NAME>_<ENSG>_CID######_FID########_proj.tif (2, H, W) uint16, channel 0
Hoechst, channel 1 protein, and OUT_DIR/opencell-localization-annotations.csv (target_name, annotations_grade_3).
"""
import argparse, csv, time
from pathlib import Path

import numpy as np
import tifffile
from scipy import ndimage as ndi

FAMILIES = ["nucleoplasm", "nuclear_membrane", "nucleolus_gc", "nuclear_punctae", "chromatin",
            "cytoplasmic", "er", "golgi", "mitochondria", "membrane"]
CODES = ["NUCL", "NENV", "NOLG", "NPCT", "CHRM", "CYTO", "RETI", "GOLG", "MITO", "PMEM"]


def smooth_noise(rng, shape, sigma):
    """Gaussian-filtered white noise rescaled to zero mean, unit s.d."""
    n = ndi.gaussian_filter(rng.standard_normal(shape), sigma, mode="wrap")
    return (n - n.mean()) / (n.std() + 1e-9)


def place_nuclei(rng, size, s):
    """Centres and radii of the nuclei of one field: dense clumps, a medium spread or a sparse corner."""
    mode = rng.choice(["dense", "medium", "sparse"], p=[0.35, 0.35, 0.3])
    n_try = {"dense": rng.integers(14, 22), "medium": rng.integers(7, 12), "sparse": rng.integers(2, 6)}[mode]
    if mode == "dense":
        hubs = rng.uniform(0.2, 0.8, (rng.integers(1, 3), 2)) * size
    elif mode == "sparse":
        hubs = rng.uniform(0.25, 0.75, (1, 2)) * size
    centres, radii = [], []
    for _ in range(n_try * 20):
        if len(centres) >= n_try:
            break
        r = rng.uniform(10, 22) * s
        if mode == "medium":
            c = rng.uniform(-0.05, 1.05, 2) * size
        else:
            c = hubs[rng.integers(len(hubs))] + rng.normal(0, (38 if mode == "dense" else 30) * s, 2)
        gap = 0.85 if mode == "dense" else 1.6
        if all(np.hypot(*(c - c2)) > gap * (r + r2) for c2, r2 in zip(centres, radii)):
            centres.append(c); radii.append(r)
    return np.array(centres).reshape(-1, 2), np.array(radii), mode


def blob(shape, c, r, rng, aspect=(0.75, 1.0), wobble=0.12):
    """Boolean mask of an ellipse of mean radius r at c, its edge perturbed by random low harmonics."""
    yy, xx = np.ogrid[:shape[0], :shape[1]]
    dy, dx = yy - c[0], xx - c[1]
    th0, q = rng.uniform(0, np.pi), rng.uniform(*aspect)
    th = np.arctan2(dy, dx) - th0
    ell = r / np.sqrt(q) * q / np.sqrt((q * np.cos(th)) ** 2 + np.sin(th) ** 2)
    for k in range(2, 6):
        ell = ell * (1 + wobble / k * rng.standard_normal() * np.cos(k * th + rng.uniform(0, 2 * np.pi)))
    return np.hypot(dy, dx) < ell


def make_cells(rng, size, s):
    """Nucleus, nucleolus and cell label images, Hoechst-like chromatin texture, and per-cell info."""
    shape = (size, size)
    centres, radii, mode = place_nuclei(rng, size, s)
    nuc = np.zeros(shape, np.int32); nucleoli = np.zeros(shape, bool)
    for i, (c, r) in enumerate(zip(centres, radii), 1):
        m = blob(shape, c, r, rng) & (nuc == 0)
        nuc[m] = i
        for _ in range(rng.integers(1, 3)):
            off = rng.normal(0, 0.25 * r, 2)
            nucleoli |= blob(shape, c + off, rng.uniform(0.15, 0.27) * r, rng, (0.6, 1.0), 0.2) & m
    dist, idx = ndi.distance_transform_edt(nuc == 0, return_indices=True)
    owner = nuc[idx[0], idx[1]]
    reach = np.concatenate([[0], radii * rng.uniform(0.6, 1.5, len(radii))])
    cell = np.where(dist < reach[owner] * (1 + 0.3 * smooth_noise(rng, shape, 6 * s)), owner, 0)
    cell = np.where(nuc > 0, nuc, cell)
    foci = np.clip(smooth_noise(rng, shape, 1.2 * s), 0, None) ** 1.5
    chrom = (0.55 + 0.45 * foci + 0.15 * smooth_noise(rng, shape, 0.7)) * (nuc > 0)
    return dict(nuc=nuc, nucleoli=nucleoli, cell=cell, chrom=np.clip(chrom, 0, None), centres=centres,
                radii=radii, mode=mode)


def hoechst(g, rng):
    """Ideal Hoechst image: textured nuclei, darker nucleoli, per-cell DNA content, a little debris."""
    n = len(g["radii"])
    dna = np.concatenate([[0], rng.uniform(0.7, 1.3, n)])
    img = g["chrom"] * dna[g["nuc"]] * np.where(g["nucleoli"], 0.2, 1.0)
    if rng.random() < 0.6:
        free = np.argwhere(g["cell"] == 0)
        for p in free[rng.integers(len(free), size=rng.integers(1, 4))] if len(free) else []:
            img[p[0], p[1]] += rng.uniform(4, 15)   # becomes a bright speck after the PSF
    return img


def membrane_line(cell):
    """Pixels where the cell label changes (cell-cell and cell-background edges), inside some cell."""
    edge = np.zeros(cell.shape, bool)
    for ax in (0, 1):
        d = np.diff(cell, axis=ax) != 0
        pad = [(0, 0), (0, 0)]; pad[ax] = (0, 1); edge |= np.pad(d, pad)
        pad[ax] = (1, 0); edge |= np.pad(d, pad)
    return edge & (cell > 0)


def protein(g, fam, p, rng, s):
    """Ideal protein image for family fam with per-protein parameters p, tied to the geometry g."""
    nuc, cell, nucleoli = g["nuc"] > 0, g["cell"], g["nucleoli"]
    cyto = (cell > 0) & ~nuc
    shape = nuc.shape
    d_out = ndi.distance_transform_edt(~nuc)
    signed = np.where(nuc, -ndi.distance_transform_edt(nuc), d_out)   # <0 inside the nucleus
    if fam == "nucleoplasm":
        img = nuc * (1 + 0.15 * smooth_noise(rng, shape, 2 * s)) * np.where(nucleoli, 0.15, 1.0)
    elif fam == "nuclear_membrane":
        img = np.exp(-0.5 * (signed / p["thick"]) ** 2) * (cell > 0) + 0.05 * nuc
    elif fam == "nucleolus_gc":
        img = ndi.binary_dilation(nucleoli, iterations=1) + 0.06 * nuc
    elif fam == "nuclear_punctae":
        img = 0.05 * nuc
        pts = np.argwhere(nuc & ~nucleoli)
        k = min(len(pts), int(p["density"] * 10 * len(g["radii"])))
        for q in pts[rng.choice(len(pts), k, replace=False)] if k else []:
            img[q[0], q[1]] += 30 * rng.uniform(0.5, 1.5)
        img = 0.05 * nuc + ndi.gaussian_filter(img - 0.05 * nuc, 0.6 * s * p["thick"])
    elif fam == "chromatin":
        img = g["chrom"] ** p["gamma"] * np.where(nucleoli, 0.2, 1.0)
    elif fam == "cytoplasmic":
        img = cyto * (1 + 0.1 * smooth_noise(rng, shape, 3 * s)) + p["nuc_frac"] * nuc
    elif fam == "er":
        band = smooth_noise(rng, shape, p["mesh"] * s)
        net = np.exp(-0.5 * (band / (0.18 * p["thick"])) ** 2)
        img = net * cyto * np.exp(-d_out / (p["reach"] * s)) + 0.4 * np.exp(-0.5 * (signed / s) ** 2) * (cell > 0)
    elif fam == "golgi":
        img = np.zeros(shape)
        for i, (c, r) in enumerate(zip(g["centres"], g["radii"]), 1):
            th = rng.uniform(0, 2 * np.pi)
            for _ in range(int(rng.integers(4, 10) * p["density"]) + 2):
                a = th + rng.normal(0, 0.35)
                q = c + np.array([np.sin(a), np.cos(a)]) * r * rng.uniform(1.05, 1.35) + rng.normal(0, 1.5 * s, 2)
                y, x = np.round(q).astype(int)
                if 0 <= y < shape[0] and 0 <= x < shape[1] and cell[y, x] == i and not nuc[y, x]:
                    img[y, x] += 25 * rng.uniform(0.5, 1.5)
        img = ndi.gaussian_filter(img, 0.9 * s * p["thick"]) * 10
    elif fam == "mitochondria":
        img = np.zeros(shape)
        pts = np.argwhere(cyto)
        k = int(p["density"] * len(pts) / (40 * s * s)) if len(pts) else 0
        for q in pts[rng.integers(len(pts), size=k)] if k else []:
            q, a = q.astype(float), rng.uniform(0, 2 * np.pi)
            for _ in range(rng.integers(3, 9)):
                y, x = np.round(q).astype(int)
                if not (0 <= y < shape[0] and 0 <= x < shape[1] and cyto[y, x]):
                    break
                img[y, x] += 1.0
                a += rng.normal(0, 0.5); q += 1.2 * s * np.array([np.sin(a), np.cos(a)])
        img = ndi.gaussian_filter(img, 0.6 * s * p["thick"]) * 5
    elif fam == "membrane":
        line = membrane_line(cell).astype(float)
        img = ndi.gaussian_filter(line, 0.5 * p["thick"]) * 3 + 0.05 * cyto
    img = np.clip(img, 0, None)
    on = img[img > 0.05 * img.max()]
    return img / (np.percentile(on, 99) if on.size else 1.0)


def camera(ideal, rng, photons, psf, s, bg=3.0, gain=1.6, read=2.5, offset=100):
    """Blur by the PSF, add haze and uneven illumination, then shot noise, gain, read noise and offset."""
    img = ndi.gaussian_filter(ideal, psf)
    img = img + rng.uniform(0.08, 0.25) * ndi.gaussian_filter(ideal, 14 * s)
    yy, xx = np.mgrid[:img.shape[0], :img.shape[1]] / img.shape[0]
    g = rng.normal(0, 0.25, 2)
    illum = np.clip(1 + g[0] * (yy - 0.5) + g[1] * (xx - 0.5) - 0.3 * ((yy - 0.5) ** 2 + (xx - 0.5) ** 2), 0.4, None)
    lam = np.clip(img * photons * illum + bg, 0, None)
    adu = rng.poisson(lam) * gain + rng.normal(0, read, lam.shape) + offset
    return np.clip(np.round(adu), 0, 65535).astype(np.uint16)


def protein_params(rng):
    """Per-protein parameters: brightness, line thickness, density, mesh size, nuclear fraction, etc."""
    return dict(photons=float(rng.uniform(150, 900)), thick=float(rng.uniform(0.8, 1.6)),
                density=float(rng.uniform(0.6, 1.5)), mesh=float(rng.uniform(1.8, 3.0)),
                reach=float(rng.uniform(8, 20)), nuc_frac=float(rng.uniform(0.1, 0.4)),
                gamma=float(rng.uniform(1.0, 2.0)), dim_frac=float(rng.uniform(0.1, 0.35)))


def make_fov(rng, fam, p, size):
    """One (2, size, size) uint16 image for a protein of family fam."""
    s = size / 192
    g = make_cells(rng, size, s)
    n = len(g["radii"])
    expr = np.concatenate([[0], rng.lognormal(0, 0.35, n) * np.where(rng.random(n) < p["dim_frac"], 0.2, 1.0)])
    prot = protein(g, fam, p, rng, s) * expr[g["cell"]]
    psf = rng.uniform(1.0, 1.5) * s
    return np.stack([camera(hoechst(g, rng), rng, rng.uniform(600, 2000), psf, s),
                     camera(prot, rng, p["photons"], psf, s)])


def main(argv=None):
    """CLI: write the OpenCell-style raw folders and the annotation table."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--proteins", type=int, default=30)
    ap.add_argument("--fovs", type=int, default=4)
    ap.add_argument("--size", type=int, default=192)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args(argv)
    t0 = time.time()
    a.out_dir.mkdir(parents=True, exist_ok=True)
    rows, fid = [], 0
    for i in range(a.proteins):
        fam = FAMILIES[i % len(FAMILIES)]
        name, ensg = f"PX{CODES[i % len(FAMILIES)]}{i:02d}", f"ENSG8{i:010d}"
        prng = np.random.default_rng([a.seed, i])
        p = protein_params(prng)
        d = a.out_dir / f"{name}_{ensg}"
        d.mkdir(exist_ok=True)
        cid = 100 + 7 * i
        for j in range(a.fovs):
            fid += 1
            img = make_fov(np.random.default_rng([a.seed, i, j]), fam, p, a.size)
            tifffile.imwrite(d / f"OC-FOV_{name}_{ensg}_CID{cid:06d}_FID{40000 + fid:08d}_proj.tif", img)
        rows.append((name, fam))
    with open(a.out_dir / "opencell-localization-annotations.csv", "w", newline="") as f:
        w = csv.writer(f); w.writerow(["target_name", "annotations_grade_3"]); w.writerows(rows)
    print(f"wrote {a.proteins} proteins x {a.fovs} fovs ({a.size}px) to {a.out_dir} in {time.time() - t0:.1f}s")


if __name__ == "__main__":
    main()

"""How real the synthetic OpenCell looks (issue 25), for the 3-D generator (the default) and the flat one (dims=2):
per family, the nucleus proportion of the true protein (CELL-E 2's: its sum inside the nucleus mask over its total;
the generator's own nucleus labels as the mask) with a 95 % bootstrap interval over fields, beside the real figures
of OPENCELL.md; the density contrast on normalized images (mean in nuclei / mean in a 20-px ring around them, empty
background / ring); OPENCELL.md's Hoechst statistics; and the seconds one field takes.
Run: `python bench/synth3d.py` (about a minute on one core; no training). Writes bench/synth3d/realism.csv,
hoechst.csv and cost.csv, which nbs/00a_synth.ipynb renders."""
import argparse, time
from pathlib import Path
import numpy as np, pandas as pd
from protloc.metrics import bootstrap_ci as boot_ci   # the mean and its 95 % bootstrap interval over fields
from protloc.metrics import nucleus_share as share     # CELL-E 2's nucleus proportion

OUT = Path(__file__).parent/'synth3d'
REAL_SHARE = dict(golgi='~0.5', nucleolus_gc='0.9–1.0', nucleoplasm='~0.75', er='a visible share',
                  mitochondria='a visible share', cytoskeleton='a visible share')   # OPENCELL.md, measured on OpenCell
REAL_HOECHST = dict(bg_median=(0.016, 0.27), bg_p90=(0.03, 0.45), speck_ratio=(1.6, 8.7), coverage=(0.02, 0.5),
                    floor=(250, 300), nucleus_p99=(5000, 10000), max=(0, 47000))      # OPENCELL.md, 23 real fields

def contrast(img, g) -> tuple: # (nuclei / ring, empty background / ring)
    "Density contrast of `img` around the nuclei of footprint `g`: mean in nuclei and in empty background over a 20-px ring."
    ring, bg = (g['d_out'] > 0) & (g['d_out'] <= 20), (g['d_out'] >= 30) & (g['cell'] == 0)
    r = img[ring].mean() if ring.any() else np.nan
    return img[g['nuc'] > 0].mean() / r, (img[bg].mean() / r if bg.sum() > 50 else np.nan)

def hoechst_stats(raw, g) -> dict:
    "OPENCELL.md's statistics of a raw Hoechst projection: scaled from its 0.5-99.8 percentiles, clipped."
    lo, hi = np.percentile(raw, [0.5, 99.8]); s = ((raw - lo) / (hi - lo)).clip(0, 1)
    far, nuc = g['d_out'] >= 30, g['nuc'] > 0
    ok = far.sum() > 100
    return dict(bg_median=np.median(s[far]) if ok else np.nan, bg_p90=np.percentile(s[far], 90) if ok else np.nan,
                speck_ratio=raw.max() / hi, coverage=nuc.mean(), floor=lo,
                nucleus_p99=np.percentile(raw[nuc], 99) if nuc.any() else np.nan, max=float(raw.max()))

def measure(n_fields=12, size=256, seed=0):
    "Per-field rows for every family of both generators."
    from protloc.synth import family_list, synth_field, synth_protein_params
    from protloc.dataset import normalize
    rows = []
    for dims in (3, 2):
        fams = family_list(dims)
        for fam in fams:
            for k in range(n_fields):   # a different protein of the family each time, its first field
                f = synth_field(synth_protein_params(fams.index(fam) + k * len(fams), seed, fams), size, seed, 0, dims=dims)
                g, m = f['g'], f['g']['nuc'] > 0
                if not m.any(): continue
                nz = normalize(f['image'].astype(np.float32))[1]
                rows.append(dict(dims=dims, family=fam, share_true=share(f['truth'], m), share_norm=share(nz, m),
                                 **dict(zip(('contrast_nuc', 'contrast_bg'), contrast(nz, g))), **hoechst_stats(f['image'][0].astype(float), g)))
    return pd.DataFrame(rows)

def summarize(d: pd.DataFrame) -> tuple: # (realism, hoechst)
    "Per family: means and intervals; per statistic of the Hoechst channel: range over fields and share in the real range."
    real = []
    for (dims, fam), x in d.groupby(['dims', 'family'], sort=False):
        r = dict(family=fam, dims=dims, n_fields=len(x), real_share=REAL_SHARE.get(fam, ''))
        for c in ('share_true', 'share_norm'): r.update(zip((c, c + '_lo', c + '_hi'), boot_ci(x[c])))
        r.update(contrast_nuc=np.nanmean(x.contrast_nuc), contrast_bg=np.nanmean(x.contrast_bg))
        real.append(r)
    hs = []
    for dims, x in d.groupby('dims'):
        for st, (lo, hi) in REAL_HOECHST.items():
            v = x[st].dropna()
            hs.append(dict(statistic=st, dims=dims, min=v.min(), median=v.median(), max=v.max(),
                           in_range=((v >= lo) & (v <= hi)).mean(), real_lo=lo, real_hi=hi))
    return pd.DataFrame(real), pd.DataFrame(hs)

def cost(sizes=(256, 600)) -> pd.DataFrame:
    "Median seconds per field over one field of each family (after a warm-up field), per size and generator."
    from protloc.synth import family_list, synth_fov, synth_protein_params
    rows = []
    for dims in (3, 2):
        fams = family_list(dims); synth_fov(synth_protein_params(0, 0, fams), 64, dims=dims)
        for size in sizes:
            ts = []
            for k in range(len(fams)):
                t = time.perf_counter(); synth_fov(synth_protein_params(k, 0, fams), size, dims=dims); ts.append(time.perf_counter() - t)
            rows.append(dict(size=size, dims=dims, seconds=round(float(np.median(ts)), 3), fields=len(ts)))
    return pd.DataFrame(rows)

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--fields', type=int, default=12); ap.add_argument('--size', type=int, default=256)
    a = ap.parse_args()
    OUT.mkdir(exist_ok=True)
    d = measure(a.fields, a.size)
    real, hs = summarize(d)
    real.round(4).to_csv(OUT/'realism.csv', index=False); hs.round(4).to_csv(OUT/'hoechst.csv', index=False)
    c = cost(); c.to_csv(OUT/'cost.csv', index=False)
    print(real.round(2).to_string(index=False)); print(hs.round(3).to_string(index=False)); print(c.to_string(index=False))

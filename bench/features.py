"""What the family classifier sees in the GAN's paintings of some families, beside the true images: a diagnostic on the
findings bench's **validation** split (no choice is made from it; the test split is not read).

For each seed and each GAN named, it computes `loc_features` of every validation image of the families asked for: of
the true image, and of each of the GAN's 8 draws (`gan_draws`, seeded as `protloc_eval` draws them), then averages
them per (GAN, family, kind), with four more columns: the signal's correlation with the DNA stain at a coarse and at a fine
scale, and the coarse one split into across nuclei (brighter nuclei, brighter signal?) and within each nucleus
(`stain_scales`). `--split train` scores the GAN's own training images instead, to tell a miss the model makes
everywhere from one it makes on unseen images only. Writes bench/findings/valid/features.csv (or `--out`), which the
findings notebook renders.

    python bench/findings.py --split valid            # first: the cache of models
    python bench/features.py --gans gan_epochs_48 gan_z_dim_8___draws_2___mode_seeking_0_05 \
        gan_z_dim_8___draws_2___mode_seeking_0_05___texture_weight_50___epochs_24 \
        gan_z_dim_8___draws_2___mode_seeking_0_05___dropout_0___epochs_24 \
        gan_z_dim_8___draws_2___mode_seeking_0_05___texture_weight_50___dropout_0___epochs_24 \
        gan_z_dim_8___draws_2___mode_seeking_0_05___dropout_0___noise___epochs_24      # the rows 06a shows
    python bench/features.py --gans gan gan_finetune_theta gan_theta_onehot gan_stain_weight_10 \
        --families nucleoplasm chromatin nuclear_punctae --out bench/findings/valid/features_nuclear.csv   # the nuclear families
    python bench/features.py --split train --gans gan gan_stain_weight_10 \
        --families nucleoplasm chromatin nuclear_punctae --out bench/findings/valid/features_nuclear_train.csv   # on training images
"""
import argparse
from pathlib import Path
import numpy as np, pandas as pd
from protloc.checkpoint import load_checkpoint, build_model
from protloc.data import read_fov
from protloc.dataset import normalize
from protloc.embed import read_families
from scipy import ndimage
from protloc.metrics import RINGS, loc_features, signal, signed_distance
from protloc.predict import gan_draws
from protloc.summary import read_image_list

HERE = Path(__file__).parent
RING_NAMES = [f'ring {lo:g}..{hi:g} px' for lo, hi in zip((-np.inf, *RINGS), (*RINGS, np.inf))]
NAMES = [*RING_NAMES, 'top 2 % share', 'top 10 % share', 'contrast (log cv)', 'fine band', 'mid band', 'top inside nuclei',
         'DNA correlation', 'nuclear cv', 'spot share']   # the columns of `loc_features`, in its order
SCALES = ['DNA correlation, coarse', 'DNA correlation, fine',   # and more: at which scale the signal follows the stain,
          'DNA correlation, across nuclei', 'DNA correlation, coarse within nuclei']   # and whether across nuclei or within each

def stain_scales(img:np.ndarray, nuc:np.ndarray, m:np.ndarray) -> list: # m: the nucleus pixels over 2 px from the edge (`signed_distance(nuc) < -2`)
    "Correlation with the nucleus image inside nuclei (pixels `m`) of the `signal` blurred by 4 px (coarse), and of what a 2 px blur removes (fine)."
    p = signal(img)
    if m.sum() < 10: return [0., 0.]
    lo, hi = (lambda x: ndimage.gaussian_filter(x, 4.)), (lambda x: x - ndimage.gaussian_filter(x, 2.))
    return [float(np.corrcoef(f(p)[m], f(nuc)[m])[0, 1]) for f in (lo, hi)] + across_within(lo(p), lo(nuc), m)

def across_within(p:np.ndarray, nuc:np.ndarray, m:np.ndarray) -> list: # coarse (blurred) signal and stain; m: nucleus interiors
    "The coarse correlation split in two: across nuclei (each nucleus's mean signal against its mean stain) and within them (each nucleus's mean removed)."
    lab, n = ndimage.label(m)
    if n < 3: return [np.nan, np.nan]
    idx = np.arange(1, n + 1); mp, mn = ndimage.mean(p, lab, idx), ndimage.mean(nuc, lab, idx)
    across = float(np.corrcoef(mp, mn)[0, 1]) if mp.std() > 0 and mn.std() > 0 else np.nan
    k = lab[m] - 1; within = float(np.corrcoef(p[m] - mp[k], nuc[m] - mn[k])[0, 1])
    return [across, within]

def features(gan:str, seed:int, cache:Path, data:Path, families:list, split:str='valid') -> list:
    "Rows (gan, seed, family, kind, path, features...) for the `split` images of `families` (validation, or the GAN's own training images): the truth and the mean of the draws' features."
    s = cache/f'seed{seed}'; fam = read_families(s/'prep'/'families.csv')
    ck = load_checkpoint(s/gan/'last.pth'); model = build_model(ck); rows = []
    for r in (r for r in read_image_list(s/'prep'/'images.csv') if r['split'] == split and fam.get(r['protein']) in families):
        raw = read_fov(data/r['path']); x = normalize(raw, **ck['norm'])
        draws = gan_draws(model, ck, raw, ck['proteins'][r['protein']])
        inner = signed_distance(x[0]) < -2   # once per image, not per draw
        feats = lambda im: np.concatenate([loc_features(im, x[0]), stain_scales(im, x[0], inner)])
        for kind, f in (('truth', feats(x[1])), ('painted (mean of 8 draws)', np.nanmean([feats(d) for d in draws], 0))):
            rows.append(dict(gan=gan.removeprefix('gan_') or 'defaults', seed=seed, family=fam[r['protein']], kind=kind, path=r['path'],
                             **dict(zip(NAMES + SCALES, f.tolist()))))
    return rows

def main(a):
    cache = Path(a.cache); data = next(cache.glob('protloc_*_seed*'))
    rows = [row for g in a.gans for seed in a.seeds for row in features(g, seed, cache, data, a.families, a.split)]
    out = pd.DataFrame(rows); out.to_csv(a.out, index=False, float_format='%.4f')
    pd.set_option('display.width', 250)
    print(out.groupby(['gan', 'family', 'kind'])[NAMES + SCALES].mean().round(3).T.to_string())

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--cache', default=str(HERE/'.cache'/'findings')); ap.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    ap.add_argument('--gans', nargs='+', default=['gan_epochs_48'], help="GAN folders in each seed's cache ('gan': the defaults)")
    ap.add_argument('--families', nargs='+', default=['golgi', 'mitochondria'])
    ap.add_argument('--split', default='valid', choices=['valid', 'train'], help="whose images: the validation split's, or the training images the GAN fitted (is a miss the model's, or unseen images'?)")
    ap.add_argument('--out', default=str(HERE/'findings'/'valid'/'features.csv'))
    main(ap.parse_args())

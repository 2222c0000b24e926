"""What the localization classifier calls each family's GAN samples: a diagnostic of the findings bench's defaults on
the **validation** split (no choice is made from it, and the test split is not read).

Reads the findings bench's cache (`python bench/findings.py --split valid` first); for each seed it fits the
classifier on the true training images, paints one GAN sample (dropout on, seeded) of every validation image, and
counts (true family, named family). Writes bench/findings/valid/confusion.csv, which the findings notebook renders.
"""
import argparse
from pathlib import Path
import numpy as np, pandas as pd, torch
from protloc.checkpoint import load_checkpoint, build_model
from protloc.data import read_fov
from protloc.dataset import normalize
from protloc.embed import read_families
from protloc.metrics import loc_features
from protloc.predict import predict_fov
from protloc.results import fit_loc_classifier
from protloc.summary import read_image_list

HERE = Path(__file__).parent

def main(a):
    cache, rows = Path(a.cache), []
    data = next(cache.glob('protloc_*_seed*'))
    for seed in a.seeds:
        s = cache/f'seed{seed}'; il = read_image_list(s/'prep'/'images.csv'); fam = read_families(s/'prep'/'families.csv')
        ck = load_checkpoint(s/'gan'/'last.pth'); model = build_model(ck)
        clf = fit_loc_classifier([r for r in il if r['split'] == 'train'], data, fam, ck['norm'])
        for i, r in enumerate(r for r in il if r['split'] == 'valid'):
            torch.manual_seed(1000 * seed + i)
            raw = read_fov(data/r['path']); x = normalize(raw, **ck['norm'])
            p = predict_fov(model, raw, ck['proteins'][r['protein']], ck['norm'], dropout=True)
            named = clf.predict(loc_features(np.asarray(p).squeeze(), x[0]))[0]
            truth = clf.predict(loc_features(x[1], x[0]))[0]
            rows.append(dict(seed=seed, path=r['path'], family=fam[r['protein']], gan_named=named, truth_named=truth))
    out = pd.DataFrame(rows); out.to_csv(a.out, index=False)
    print(pd.crosstab(out.family, out.gan_named))

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--cache', default=str(HERE/'.cache'/'findings')); ap.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    ap.add_argument('--out', default=str(HERE/'findings'/'valid'/'confusion.csv'))
    main(ap.parse_args())

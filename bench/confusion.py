"""What the localization classifier calls each family's GAN samples: a diagnostic of the findings bench's defaults on
the **validation** split (no choice is made from it, and the test split is not read).

Reads the findings bench's cache (`python bench/findings.py --split valid` first); for each seed it fits the
classifier on the true training images, paints one GAN sample (dropout on, seeded) of every validation image, and
counts (true family, named family). Beside each, the families of the protein's 3 nearest proteins by the GAN's theta
(cosine, as `knn_accuracy`, whose accuracy over all proteins is `theta_knn`; `theta_moved`: how far
training moved it from the defaults' frozen theta, relative): whether a misnamed painting takes the family of a theta neighbour. Writes
bench/findings/valid/confusion.csv (`--gan` another lever's folder: `confusion_<folder>.csv`), which the findings notebook renders.
"""
import argparse
from pathlib import Path
import numpy as np, pandas as pd, torch
from protloc.checkpoint import load_checkpoint, build_model
from protloc.data import read_fov
from protloc.dataset import normalize
from protloc.embed import knn_accuracy, nearest_rows, read_families
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
        ck = load_checkpoint(s/a.gan/'last.pth'); model = build_model(ck)
        names = sorted(ck['proteins'], key=ck['proteins'].get); labels = [fam[n] for n in names]
        near = {n: [labels[j] for j in nb] for n, nb in zip(names, nearest_rows(ck['theta']))}   # each protein's 3 nearest proteins' families
        knn = knn_accuracy(ck['theta'], labels)
        t0 = ck['theta'] if a.gan == 'gan' else load_checkpoint(s/'gan'/'last.pth')['theta']   # the defaults' theta, frozen: how far a lever's training moved its own
        moved = float((ck['theta'] - t0).norm() / t0.norm()) if t0.shape == ck['theta'].shape else float('nan')
        clf = fit_loc_classifier([r for r in il if r['split'] == 'train'], data, fam, ck['norm'])
        for i, r in enumerate(r for r in il if r['split'] == 'valid'):
            torch.manual_seed(1000 * seed + i)
            raw = read_fov(data/r['path']); x = normalize(raw, **ck['norm'])
            p = predict_fov(model, raw, ck['proteins'][r['protein']], ck['norm'], dropout=True)
            named = clf.predict(loc_features(np.asarray(p).squeeze(), x[0]))[0]
            truth = clf.predict(loc_features(x[1], x[0]))[0]
            rows.append(dict(seed=seed, path=r['path'], family=fam[r['protein']], gan_named=named, truth_named=truth,
                             theta_neighbours='|'.join(near[r['protein']]), theta_knn=knn, theta_moved=moved))
    out = pd.DataFrame(rows); out.to_csv(a.out or HERE/'findings'/'valid'/('confusion.csv' if a.gan == 'gan' else f'confusion_{a.gan}.csv'), index=False)
    print(pd.crosstab(out.family, out.gan_named).to_string())
    wrong = out[out.gan_named != out.family]
    near = [n in t.split('|') for n, t in zip(wrong.gan_named, wrong.theta_neighbours)]
    print(f'misnamed: {len(wrong)} of {len(out)}; named as a theta neighbour\'s family: {np.mean(near):.2f}')

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--cache', default=str(HERE/'.cache'/'findings')); ap.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    ap.add_argument('--gan', default='gan', help="the GAN's folder in each seed's cache: 'gan' (the defaults) or a lever's 'gan_<flags>'")
    ap.add_argument('--out', default=None, help='the CSV (default: findings/valid/confusion.csv, or confusion_<gan>.csv for a lever)')
    main(ap.parse_args())

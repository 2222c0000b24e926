"""Choose the localization classifier on the validation split: which features and which classifier name the family of
*true* held-out images best (the ceiling every painting is scored against).

Run after `python bench/findings.py --split valid` has written its data and splits (it reads them from the cache);
writes bench/findings/valid/classifier.csv, which the findings notebook renders. Only true images are read: no
painting is scored here, so the choice cannot favour a model.
"""
import argparse
from pathlib import Path
import numpy as np, pandas as pd
from protloc.data import read_fov
from protloc.dataset import normalize, NORM
from protloc.metrics import loc_features, LocClassifier, RINGS

HERE = Path(__file__).parent
N_BASE = len(RINGS) + 1 + 3   # ring shares, the 2 % and 10 % concentration, the contrast
FEATURES = {'rings, concentration, contrast': N_BASE, '+ texture': N_BASE + 3, '+ nuclear pattern (the default)': N_BASE + 6}

class KNN:
    "k-nearest neighbours on standardized features, majority vote (ties to the nearest): the classifier before."
    def __init__(self, k=3): self.k = k
    def fit(self, x, y): self.mu, self.sd = x.mean(0), x.std(0) + 1e-6; self.x, self.y = (x - self.mu) / self.sd, list(y); return self
    def predict(self, x):
        d = ((((x - self.mu) / self.sd)[:, None] - self.x[None]) ** 2).sum(-1)
        votes = [[self.y[j] for j in row] for row in np.argsort(d, 1)[:, :self.k]]
        return [max(v, key=lambda l: (v.count(l), -v.index(l))) for v in votes]

def main(a):
    cache, rows = Path(a.cache), []
    data = next(cache.glob('protloc_*_seed*'))   # the findings bench's images
    feats = {}
    def f(p):
        if p not in feats: x = normalize(read_fov(data/p), **NORM); feats[p] = loc_features(x[1], x[0])
        return feats[p]
    for seed in a.seeds:
        il = pd.read_csv(cache/f'seed{seed}'/'prep'/'images.csv')
        fam = pd.read_csv(cache/f'seed{seed}'/'prep'/'families.csv').set_index('protein').family.to_dict()
        tr, va = il[il.split == 'train'], il[il.split == 'valid']
        xtr, xva = np.stack([f(p) for p in tr.path]), np.stack([f(p) for p in va.path])
        ytr, yva = [fam[p] for p in tr.protein], np.array([fam[p] for p in va.protein])
        for fname, n in FEATURES.items():
            for cname, clf in (('3-nearest neighbours', KNN(3)), ('logistic regression (the default)', LocClassifier())):
                acc = float((np.array(clf.fit(xtr[:, :n], ytr).predict(xva[:, :n])) == yva).mean())
                rows.append(dict(seed=seed, features=fname, classifier=cname, accuracy=acc, images=len(va)))
    out = pd.DataFrame(rows); Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(a.out, index=False, float_format='%.4f')
    print(out.groupby(['features', 'classifier'], sort=False).accuracy.agg(['mean', 'min', 'max']).round(3))

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--cache', default=str(HERE/'.cache'/'findings')); ap.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    ap.add_argument('--out', default=str(HERE/'findings'/'valid'/'classifier.csv'))
    main(ap.parse_args())

"""What the stain term sees (`Pix2PixLoss.stain`): on the GAN's own training crops, as the trainer samples them, how
closely each draw and its truth follow the DNA stain inside nuclei (`stain_correlation`, coarse and fine), per family.
A diagnostic on the findings bench's cache (training images only; the test split is not read): it tells the systematic
part the term was built to remove (a family's mean draw − mean truth) from the crop-to-crop spread of the truth's own
correlation, which no painting can predict.

    python bench/findings.py --split valid "--gan_flags=--stain_weight 10"   # first: the cache of models
    python bench/stain_crops.py --gans gan gan_stain_weight_10                 # writes findings/valid/stain_crops.csv
"""
import argparse
from pathlib import Path
import pandas as pd, torch
from protloc.checkpoint import load_checkpoint, build_model
from protloc.embed import read_families
from protloc.pix2pix import Pix2PixLoss
from protloc.settings import TrainSettings
from protloc.train import train_dls

HERE = Path(__file__).parent

def crop_rows(gan:str, seed:int, cache:Path, batches:int) -> list:
    "One row per training crop with a nucleus interior: its family and the draw's and the truth's coarse and fine stain correlations."
    s = cache/f'seed{seed}'; fam = read_families(s/'prep'/'families.csv'); ck = load_checkpoint(s/gan/'last.pth')
    st = TrainSettings(**{k: v for k, v in ck['settings'].items() if k in TrainSettings().as_dict()}).replace(num_threads=2)
    dls, g = train_dls(st), build_model(ck).train()   # training mode: the draws the loss is computed on
    names = {v: k for k, v in ck['proteins'].items()}; torch.manual_seed(seed); rows = []
    for _, (x, pid, y) in zip(range(batches), dls.train):
        with torch.no_grad(): keep, d, t, term = Pix2PixLoss().stain_crops(g(x, pid), y, x)   # the crops the loss scores, as it scores them
        rows += [dict(gan=gan.removeprefix('gan_') or 'defaults', seed=seed, family=fam[names[int(pid[k])]], draw_coarse=float(d[j, 0]),
                      truth_coarse=float(t[j, 0]), draw_fine=float(d[j, 1]), truth_fine=float(t[j, 1]), term=float(term[j])) for j, k in enumerate(keep.tolist())]
    return rows

def summary(d:pd.DataFrame) -> pd.DataFrame:
    "Per (GAN, family): each scale's bias (mean draw − mean truth), the spread of the truth's correlation over crops, and the term's mean."
    g = d.groupby(['gan', 'family'])
    return pd.DataFrame({'crops': g.size(), 'coarse bias': g.draw_coarse.mean() - g.truth_coarse.mean(), 'coarse spread of the truth': g.truth_coarse.std(),
                         'fine bias': g.draw_fine.mean() - g.truth_fine.mean(), 'fine spread of the truth': g.truth_fine.std(), 'term': g.term.mean()}).round(3)

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--cache', default=str(HERE/'.cache'/'findings')); ap.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    ap.add_argument('--gans', nargs='+', default=['gan', 'gan_stain_weight_10']); ap.add_argument('--batches', type=int, default=10)
    ap.add_argument('--out', default=str(HERE/'findings'/'valid'/'stain_crops.csv'))
    a = ap.parse_args()
    d = pd.DataFrame([r for g in a.gans for s in a.seeds for r in crop_rows(g, s, Path(a.cache), a.batches)])
    d.to_csv(a.out, index=False, float_format='%.4f'); pd.set_option('display.width', 200); print(summary(d).to_string())

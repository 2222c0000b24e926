"""What the regression, GAN, results and speed benches share: the flags and the synthetic set of the regression bench,
the regression U-Net they all train the same way, fastai-vs-plain-loop timing, and the markdown table of their scores.
Scoring itself is `protloc.results` (`eval_models`, `summarize`), as in notebook 06 and `protloc_eval`."""
import argparse, statistics, time
from pathlib import Path
import pandas as pd, torch
from protloc.core import set_threads
from protloc.summary import prep, read_image_list
from protloc.dataset import protein_dls
from protloc.train import regression_learner
from fastai.callback.core import Callback
from fastai.callback.progress import ProgressCallback
from fastai.data.core import DataLoaders
from fastai.data.load import DataLoader
from data import CACHE, make_set   # the data bench's cached synthetic sets

def parser(doc:str, epochs:int, lr:float) -> argparse.ArgumentParser:
    "The flags of the regression bench's set and training; a bench adds its own. Small values make a smoke run."
    ap = argparse.ArgumentParser(description=doc)
    ap.add_argument('--proteins', type=int, default=30); ap.add_argument('--images', type=int, default=4)
    ap.add_argument('--size', type=int, default=192); ap.add_argument('--crop', type=int, default=96)
    ap.add_argument('--epochs', type=int, default=epochs); ap.add_argument('--bs', type=int, default=16)
    ap.add_argument('--lr', type=float, default=lr); ap.add_argument('--wf', type=int, default=4)
    ap.add_argument('--cache', default=str(CACHE), help='folder of the set and the trained models (default: bench/.cache, '
                    'which the regression, GAN and results benches share; give another one for a smoke run)')
    return ap

def reg_set(a) -> tuple:
    "(image folder, prep files, image-list rows) of the regression bench's synthetic set (written once); torch gets 2 threads."
    set_threads(2)
    cache = Path(a.cache)
    d, _ = make_set(f'reg_{a.proteins}x{a.images}_{a.size}', a.proteins, a.images, a.size, cache=cache)
    files = prep(d, cache/f'reg_prep_{a.proteins}', theta_dim=32)
    return d, files, read_image_list(files['img_list'])

def split(rows:list, which:str) -> list: return [r for r in rows if r['split'] == which]

def bench_dls(d, files:dict, crop:int=96, bs:int=16):
    "The benches' DataLoaders: `crop`² crops, 4 per image, one worker, seed 0."
    return protein_dls(d, files['img_list'], files['protein_list'], size=crop, bs=bs, crops_per_image=4, num_workers=1, seed=0)

def fit_regression(d, files:dict, out, cond:str|None='film', crop:int=96, bs:int=16, wf:int=4, epochs:int=12, lr:float=5e-3) -> float:
    "Train the benches' regression U-Net (theta of 32, depth 4) from seed 0, checkpoints in `out`; returns the seconds spent."
    torch.manual_seed(0)
    learn = regression_learner(bench_dls(d, files, crop, bs), out, emb_dim=32, cond=cond, depth=4, wf=wf)
    learn.remove_cb(ProgressCallback)
    t = time.time(); learn.fit_one_cycle(epochs, lr)
    return time.time() - t

class TrainTimer(Callback):
    "Wall time of each training phase (all batches, all callbacks; no validation)."
    def before_train(self): self.t0 = time.perf_counter()
    def after_train(self): self.times.append((time.perf_counter() - self.t0) / len(self.dl))
    def __init__(self): self.times = []

def fastai_vs_plain(batches:list, make_learner, fit, plain, repeats:int) -> tuple:
    """Median seconds/iteration of a fastai fit and of a plain PyTorch loop over the same `batches`, alternating.
    Each round `make_learner()` runs from seed 0 (so both start from the same weights) and gets the batches as its data;
    `fit(learn)` trains one epoch, `plain(learn)` times the hand-written loop on a fresh learner's networks."""
    fdls = DataLoaders(DataLoader(batches, bs=None), DataLoader(batches[:1], bs=None))
    def fresh():
        torch.manual_seed(0); learn = make_learner()
        fdls.proteins = learn.dls.proteins; learn.dls = fdls
        return learn
    fa, pl = [], []
    for r in range(repeats + 1):   # the first round warms up
        learn, tt = fresh(), TrainTimer()
        learn.add_cb(tt); fit(learn)
        p = plain(fresh())
        if r: fa.append(tt.times[0]); pl.append(p)
    return statistics.median(fa), statistics.median(pl)

def md_table(summary:pd.DataFrame, names:dict, first:str='model') -> str:
    "Markdown table of `summarize`'s family-'all' rows, in the order of `names` (its model -> the row's label); absent models are left out."
    t = summary[summary.family == 'all'].set_index('model')
    f = lambda r, c, d=3: '—' if c not in r or pd.isna(r[c]) else f'{r[c]:.{d}f}'
    lines = [f'| {first} | PCC | SSIM | sharpness | hallucination | compartment error | mean-of-samples PCC | images |', '|---' * 8 + '|']
    lines += [f"| {label} | {f(r, 'pcc')} | {f(r, 'ssim')} | {f(r, 'sharpness', 2)} | {f(r, 'hallucination')} | {f(r, 'compartment_error')} | "
              f"{f(r, 'pcc_mean_of_samples')} | {r['images']} |" for k, label in names.items() if k in t.index for r in [t.loc[k]]]
    return '\n'.join(lines)

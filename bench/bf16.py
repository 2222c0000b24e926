"""Does bfloat16 autocast hold for *training* on a CPU that has bf16 arithmetic (issue: science, "if it holds for
training, it buys epochs")? Trains the default regression U-Net twice on the science bench's set (30 proteins x 4
fields of 192², 128² crops, one-cycle), in float32 and in bf16 autocast, same seed, and records per epoch the
wall time, validation loss and PCC, and at the end the learned theta's kNN family accuracy.
Writes bench/bf16/epochs.csv. Run: `python bench/bf16.py [--epochs 8]` (about 15 minutes on 2 cores)."""
import argparse, time
from pathlib import Path
import pandas as pd, torch
from fastai.callback.core import Callback
from fastai.callback.progress import ProgressCallback
from protloc.core import set_threads
from protloc.synth import write_synthetic, EMBEDDINGS_CSV
from protloc.summary import prep
from protloc.dataset import protein_dls
from protloc.train import CPUAutocast, regression_learner
from protloc.embed import knn_accuracy, read_families

HERE = Path(__file__).parent
SCI = HERE/'.cache'/'science'   # bench/science.py's cache: the same set and summary files

def science_set(n_proteins, size):
    "(image folder, prep files) of bench/science.py's set of `n_proteins` x 4 fields of `size`² (written here if it is missing)."
    d = SCI/f'synth_{n_proteins}x4_{size}'
    if not (d/EMBEDDINGS_CSV).exists(): write_synthetic(d, n_proteins, 4, size, workers=2, dims=2)   # its last file: the set is whole
    return d, prep(d, SCI/f'prep_{n_proteins}_{size}', theta_dim=32)

class EpochClock(Callback):
    order = 90
    def before_epoch(self): self.t = time.time()
    def after_epoch(self): self.times.append(time.time() - self.t)
    def before_fit(self): self.times = []

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--epochs', type=int, default=8); ap.add_argument('--threads', type=int, default=2)
    a = ap.parse_args()
    set_threads(a.threads)
    d, files = science_set(30, 192)   # the science bench's own set and summary files
    fam = read_families(files['families'])
    rows = []
    for mode in ('fp32', 'bf16'):
        torch.manual_seed(0)
        dls = protein_dls(d, files['img_list'], files['protein_list'], size=128, bs=16, crops_per_image=4, num_workers=1, seed=0)
        clock = EpochClock()
        learn = regression_learner(dls, None, cond="film")   # the defaults of protloc_train: emb_dim 32, depth 4, wf 5
        learn.remove_cb(ProgressCallback); learn.add_cb(clock)
        if mode == 'bf16': learn.add_cb(CPUAutocast())
        learn.fit_one_cycle(a.epochs, 3e-3)
        names = sorted(dls.proteins, key=dls.proteins.get)
        knn = knn_accuracy(learn.model.theta.weight.detach(), [fam[n] for n in names])
        for e, (v, t) in enumerate(zip(learn.recorder.values, clock.times)):
            rows.append(dict(mode=mode, epoch=e, train_loss=v[0], valid_loss=v[1], pcc=v[2], ssim=v[3], epoch_s=round(t, 1),
                             knn=knn if e == a.epochs - 1 else None))
        print(pd.DataFrame(rows[-a.epochs:]).to_string(index=False), flush=True)
    out = HERE/'bf16'; out.mkdir(exist_ok=True)
    pd.DataFrame(rows).to_csv(out/'epochs.csv', index=False, float_format='%.4f')

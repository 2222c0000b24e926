"""Regression benchmark (issue: regression). Trains on a synthetic set with a fixed budget and prints, on held-out
full images of seen proteins, PCC and SSIM of: (a) the FiLM-conditioned U-Net, (a') bottleneck conditioning,
(b) the protein-agnostic baseline, (c) the per-protein mean training image, (d) the conditioned U-Net given a wrong
protein id; and kNN family accuracy of learned vs random theta. Scored by `protloc.results.eval_models`, as
`protloc_eval` scores. Run: `python bench/regression.py` (smoke run: `--proteins 6 --images 2 --size 64 --crop 32
--epochs 1 --cache /tmp/protloc_smoke`). `bench/gan.py` takes its FiLM model from here (`--train_only film`)."""
import argparse, time
from pathlib import Path
import torch
from fastai.callback.progress import ProgressCallback
from protloc.core import set_threads
from protloc.synth import write_synthetic, EMBEDDINGS_CSV
from protloc.summary import prep, read_image_list, load_theta
from protloc.dataset import protein_dls
from protloc.train import regression_learner
from protloc.embed import knn_accuracy, read_families
from protloc.results import load_models, eval_models, summarize, md_table

CACHE = Path(__file__).parent/'.cache'
RUNS = {'film': ('film', '(a) U-Net, FiLM conditioning'), 'bottleneck': ('bottleneck', "(a') U-Net, bottleneck conditioning"),
        'baseline': (None, '(b) protein-agnostic U-Net')}   # run folder reg_run_<key> -> (conditioning, row)
ROWS = {**{label: label for _, label in RUNS.values()},   # `eval_models`' model names -> the table's rows, in order
        'per-protein mean image': '(c) per-protein mean training image',
        f"{RUNS['film'][1]} (wrong protein)": '(d) FiLM U-Net, wrong protein id',
        f"{RUNS['bottleneck'][1]} (wrong protein)": "(d') bottleneck U-Net, wrong protein id",
        'truth (reference)': 'truth (reference)'}

def synth_set(a):
    "(image folder, prep files) of this bench's synthetic set: `write_synthetic`'s (seed 0), written once under `a.cache`."
    cache = Path(a.cache); d = cache/f'reg_{a.proteins}x{a.images}_{a.size}'
    if not (d/EMBEDDINGS_CSV).exists(): write_synthetic(d, a.proteins, a.images, a.size, workers=2, dims=2)   # its last file: the set is whole
    return d, prep(d, cache/f'reg_prep_{a.proteins}', theta_dim=32)

def fit_regression(d, files:dict, out, cond:str|None, a) -> float:
    "Train the bench's regression U-Net (theta of 32, depth 4) from seed 0 on `crop`² crops (4 per image, one worker), checkpoints in `out`; seconds spent."
    torch.manual_seed(0)
    dls = protein_dls(d, files['img_list'], files['protein_list'], size=a.crop, bs=a.bs, crops_per_image=4, num_workers=1, seed=0)
    learn = regression_learner(dls, out, emb_dim=32, cond=cond, depth=4, wf=a.wf)
    learn.remove_cb(ProgressCallback)
    t = time.time(); learn.fit_one_cycle(a.epochs, a.lr)
    return time.time() - t

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__)
    for k, v in dict(proteins=30, images=4, size=192, crop=96, epochs=12, bs=16, wf=4).items(): ap.add_argument(f'--{k}', type=int, default=v)
    ap.add_argument('--lr', type=float, default=5e-3)
    ap.add_argument('--cache', default=str(CACHE), help='folder of the set and the trained models (default: bench/.cache, which '
                    'bench/gan.py shares; give another one for a smoke run)')
    ap.add_argument('--train_only', default=None, help='train these runs (comma-separated keys of RUNS) if missing, and stop')
    a = ap.parse_args(); set_threads(2)
    d, files = synth_set(a); cache = Path(a.cache)
    if a.train_only:
        for k in a.train_only.split(','):
            if not (cache/f'reg_run_{k}'/'last.pth').exists(): fit_regression(d, files, cache/f'reg_run_{k}', RUNS[k][0], a)
        raise SystemExit
    rows = read_image_list(files['img_list'])
    valid, train = [r for r in rows if r['split'] == 'valid'], [r for r in rows if r['split'] == 'train']
    times = {k: fit_regression(d, files, cache/f'reg_run_{k}', cond, a) for k, (cond, _) in RUNS.items()}
    models = dict(zip([label for _, label in RUNS.values()], load_models([cache/f'reg_run_{k}'/'last.pth' for k in RUNS]).values()))
    fam = read_families(files['families'])
    scores = eval_models(models, d, valid, train_rows=train, shuffle_ids=True, families=fam)
    ck = models[RUNS['film'][1]][1]
    labels = [fam[n] for n in sorted(ck['proteins'], key=ck['proteins'].get)]
    knn_l, knn_lb = (knn_accuracy(models[RUNS[k][1]][1]['theta'], labels) for k in ('film', 'bottleneck'))
    knn_r = knn_accuracy(load_theta(files['theta_file']), labels)
    print(f'synthetic set: {a.proteins} proteins x {a.images} images of {a.size}^2, {len(train)} train / {len(valid)} held-out images; '
          f'{a.epochs} epochs of {a.crop}^2 crops (4 per image), bs {a.bs}, U-Net depth 4 wf {a.wf}; train s: ' +
          ', '.join(f'{k} {v:.0f}' for k, v in times.items()))
    print(md_table(summarize(scores, by_family=False), ROWS, 'model (held-out full images of seen proteins)'))
    print(f'| kNN family accuracy (k=3, LOO, {len(set(labels))} families): learned theta FiLM {knn_l:.2f}, bottleneck {knn_lb:.2f}; '
          f'random theta {knn_r:.2f} |' + ' |' * 8)

"""Regression benchmark (issue: regression). Trains on a synthetic set with a fixed budget and prints, on held-out
full images of seen proteins, PCC and SSIM of: (a) the FiLM-conditioned U-Net, (a') bottleneck conditioning,
(b) the protein-agnostic baseline, (c) the per-protein mean training image, (d) the conditioned U-Net given a wrong
protein id; and kNN family accuracy of learned vs random theta. Run: `python bench/regression.py`."""
import argparse, json, sys, time
from pathlib import Path
import numpy as np, torch
from protloc.data import write_synthetic, prep, read_image_list, load_proteins, load_theta, read_fov
from protloc.dataset import protein_dls, normalize
from protloc.train import regression_learner, pcc, ssim, load_checkpoint, build_model, predict_fov
from protloc.embed import knn_accuracy, read_families
from fastai.callback.progress import ProgressCallback

CACHE = Path(__file__).parent/'.cache'

def evaluate(pred_fn, rows, img_dir):
    "Mean PCC and SSIM over held-out images; pred_fn(row, img) -> H×W prediction."
    ps, ss = [], []
    for r in rows:
        img = read_fov(img_dir/r['path'])
        y = torch.from_numpy(normalize(img[1:]))[None]
        p = torch.from_numpy(np.asarray(pred_fn(r, img), np.float32))[None, None]
        ps.append(float(pcc(p, y))); ss.append(float(ssim(p, y)))
    return np.mean(ps), np.mean(ss)

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--proteins', type=int, default=30); ap.add_argument('--images', type=int, default=4)
    ap.add_argument('--size', type=int, default=192); ap.add_argument('--crop', type=int, default=96)
    ap.add_argument('--epochs', type=int, default=12); ap.add_argument('--bs', type=int, default=16)
    ap.add_argument('--lr', type=float, default=5e-3); ap.add_argument('--wf', type=int, default=4)
    a = ap.parse_args()
    torch.set_num_threads(2)
    d = CACHE/f'reg_{a.proteins}x{a.images}_{a.size}'
    if not (d/'done').exists(): write_synthetic(d, a.proteins, a.images, a.size, seed=0); (d/'done').write_text('')
    files = prep(d, CACHE/f'reg_prep_{a.proteins}', theta_dim=32)
    pm = load_proteins(files['protein_list']); rows = read_image_list(files['img_list'])
    valid = [r for r in rows if r['split'] == 'valid']; train = [r for r in rows if r['split'] == 'train']
    res, models, times = {}, {}, {}
    for name, cond in [('film', 'film'), ('bottleneck', 'bottleneck'), ('baseline', None)]:
        torch.manual_seed(0)
        dls = protein_dls(d, files['img_list'], files['protein_list'], size=a.crop, bs=a.bs, crops_per_image=4, num_workers=1, seed=0)
        learn = regression_learner(dls, CACHE/f'reg_run_{name}', emb_dim=32, cond=cond, depth=4, wf=a.wf)
        learn.remove_cb(ProgressCallback)
        t = time.time(); learn.fit_one_cycle(a.epochs, a.lr); times[name] = time.time() - t
        models[name] = build_model(load_checkpoint(CACHE/f'reg_run_{name}'/'last.pth'))
    # (c) the per-protein mean of the normalized training images
    means = {}
    for r in train:
        im = normalize(read_fov(d/r['path'])[1:])[0]
        means.setdefault(r['protein'], []).append(im)
    means = {k: np.mean(v, 0) for k, v in means.items()}
    names = sorted(pm, key=pm.get)
    wrong = {n: names[(i + len(names) // 2) % len(names)] for i, n in enumerate(names)}  # a protein of another family
    rows_out = [
        ('(a) U-Net, FiLM conditioning', evaluate(lambda r, im: predict_fov(models['film'], im, pm[r['protein']]), valid, d)),
        ("(a') U-Net, bottleneck conditioning", evaluate(lambda r, im: predict_fov(models['bottleneck'], im, pm[r['protein']]), valid, d)),
        ('(b) protein-agnostic U-Net', evaluate(lambda r, im: predict_fov(models['baseline'], im, 0), valid, d)),
        ('(c) per-protein mean training image', evaluate(lambda r, im: means[r['protein']], valid, d)),
        ('(d) FiLM U-Net, wrong protein id', evaluate(lambda r, im: predict_fov(models['film'], im, pm[wrong[r['protein']]]), valid, d)),
    ]
    fam = read_families(files['families']); labels = [fam[n] for n in names]
    knn_l = knn_accuracy(load_checkpoint(CACHE/'reg_run_film'/'last.pth')['theta'], labels)
    knn_lb = knn_accuracy(load_checkpoint(CACHE/'reg_run_bottleneck'/'last.pth')['theta'], labels)
    knn_r = knn_accuracy(load_theta(files['theta_file']), labels)
    print(f'synthetic set: {a.proteins} proteins x {a.images} images of {a.size}^2, {len(train)} train / {len(valid)} held-out images; '
          f'{a.epochs} epochs of {a.crop}^2 crops (4 per image), bs {a.bs}, U-Net depth 4 wf {a.wf}; train s: ' +
          ', '.join(f'{k} {v:.0f}' for k, v in times.items()))
    print('| model (held-out full images of seen proteins) | PCC | SSIM |'); print('|---|---|---|')
    for n, (p, s) in rows_out: print(f'| {n} | {p:.3f} | {s:.3f} |')
    print(f'| kNN family accuracy (k=3, LOO, {len(set(labels))} families): learned theta FiLM {knn_l:.2f}, bottleneck {knn_lb:.2f}; random theta {knn_r:.2f} | | |')

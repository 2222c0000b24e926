"""GAN benchmark (issue: Pix2Pix). On the regression bench's synthetic set, trains the Pix2Pix GAN with random theta
and with the regression U-Net's learned theta (theta as input channels, and at the bottleneck) and prints, on held-out
full images: PCC, SSIM, sharpness and hallucination of regression vs the GANs (truth's own values as the reference),
scored by `protloc.results.eval_models` as `protloc_eval` scores. The time per training iteration of the fastai-driven
GAN over a plain PyTorch loop is `bench/speed.py`'s.
Run: `python bench/gan.py` (it runs `bench/regression.py --train_only film` first: that bench's set and FiLM model, made once)."""
import argparse, subprocess, sys, time
from pathlib import Path
import torch
from fastai.callback.progress import ProgressCallback
from protloc.core import set_threads
from protloc.summary import prep, read_image_list, load_theta
from protloc.dataset import protein_dls
from protloc.checkpoint import load_checkpoint
from protloc.pix2pix import gan_learner, plot_gan_history
from protloc.results import load_models, eval_models, summarize, results_grid, md_table

HERE = Path(__file__).parent
SET_FLAGS = ('proteins', 'images', 'size', 'crop', 'bs', 'wf')   # the flags this bench shares with bench/regression.py

def regression_set(a) -> tuple:
    """(image folder, prep files, FiLM model) of the regression bench: its synthetic set and its FiLM U-Net on it, each
    made once by its command (`bench/regression.py --train_only film`, at its own budget)."""
    subprocess.run([sys.executable, str(HERE/'regression.py'), '--train_only', 'film', f'--cache={a.cache}',
                    *[f'--{k}={getattr(a, k)}' for k in SET_FLAGS]], check=True)
    cache = Path(a.cache); d = cache/f'reg_{a.proteins}x{a.images}_{a.size}'   # its names
    return d, prep(d, cache/f'reg_prep_{a.proteins}', theta_dim=32), cache/'reg_run_film'/'last.pth'

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__)
    for k, v in dict(proteins=30, images=4, size=192, crop=96, epochs=20, bs=16, wf=4, ndf=32).items(): ap.add_argument(f'--{k}', type=int, default=v)
    ap.add_argument('--lr', type=float, default=5e-4)
    ap.add_argument('--cache', default=str(HERE/'.cache'), help='folder of the set and the trained models (default: bench/.cache, '
                    "bench/regression.py's; give another one for a smoke run)")
    ap.add_argument('--samples', type=int, default=8, help="GAN draws per image for the mean-of-samples PCC (1: none)")
    ap.add_argument('--figures', default=None, help='also write the grid and loss curves here')
    a = ap.parse_args(); set_threads(2)
    d, files, reg_ck = regression_set(a); cache = Path(a.cache)
    valid = [r for r in read_image_list(files['img_list']) if r['split'] == 'valid']
    rand_theta, reg_theta = load_theta(files['theta_file']), load_checkpoint(reg_ck)['theta']
    paths, times = {'regression (FiLM U-Net)': reg_ck}, {}
    for name, th, cond in [('GAN, random theta', rand_theta, 'input'), ('GAN, regression theta', reg_theta, 'input'),
                           ('GAN, regression theta, bottleneck', reg_theta, 'bottleneck')]:
        out = cache/('gan_' + name.replace(', ', '_').replace(' ', '_'))
        torch.manual_seed(0)
        dls = protein_dls(d, files['img_list'], files['protein_list'], size=a.crop, bs=a.bs, crops_per_image=4, num_workers=1, seed=0)
        learn = gan_learner(dls, th, out, cond=cond, depth=4, wf=a.wf, ndf=a.ndf); learn.remove_cb(ProgressCallback)
        t = time.time(); learn.fit_flat_lin(a.epochs, a.lr); times[name] = time.time() - t
        paths[name] = out/'last.pth'
    models = dict(zip(paths, load_models(paths.values()).values()))
    tab = summarize(eval_models(models, d, valid, samples=a.samples), by_family=False)
    print(f'synthetic set: {a.proteins} proteins x {a.images} images of {a.size}^2, {len(valid)} held-out images; GANs: {a.epochs} epochs '
          f'of {a.crop}^2 crops (4 per image), bs {a.bs}, lr {a.lr}, G depth 4 wf {a.wf}, PatchGAN ndf {a.ndf} (70x70); train s: ' +
          ', '.join(f'{k} {v:.0f}' for k, v in times.items()))
    print(md_table(tab, {k: k for k in [*models, 'truth (reference)']}, 'model (held-out full images)'))
    if a.figures:
        f = Path(a.figures); f.mkdir(parents=True, exist_ok=True)
        results_grid({'GAN': models['GAN, regression theta'], 'regression': models['regression (FiLM U-Net)']}, valid[:4], d, crop=None,
                     path=f/'gan_vs_regression.png', samples=a.samples)
        plot_gan_history(models['GAN, regression theta'][1], f/'gan_losses.png')

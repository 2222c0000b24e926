"""GAN benchmark (issue: Pix2Pix). On the regression bench's synthetic set, trains the Pix2Pix GAN with random theta
and with the regression U-Net's learned theta (theta as input channels, and at the bottleneck) and prints, on held-out
full images: PCC, SSIM, sharpness and hallucination of regression vs the GANs (truth's own values as the reference);
then the time per training iteration of the fastai-driven GAN over a plain PyTorch loop on the same
generator/critic/batches (same run). Run: `python bench/gan.py` (after or without `bench/regression.py`)."""
import argparse, copy, statistics, sys, time
from pathlib import Path
import numpy as np, torch
from protloc.data import write_synthetic, prep, read_image_list, load_proteins, load_theta
from protloc.dataset import protein_dls, normalize
from protloc.train import regression_learner, load_checkpoint, build_model, predict_fov
from protloc.pix2pix import gan_learner, fit_pix2pix, evaluate, metric_table, compare_grid, plot_gan_history, GANLoss
from fastai.callback.core import Callback
from fastai.callback.progress import ProgressCallback
from fastai.data.core import DataLoaders
from fastai.data.load import DataLoader

CACHE = Path(__file__).parent/'.cache'

class TrainTimer(Callback):
    "Wall time of each training phase (all batches, all callbacks; no validation)."
    def before_train(self): self.t0 = time.perf_counter()
    def after_train(self): self.times.append((time.perf_counter() - self.t0) / len(self.dl))
    def __init__(self): self.times = []

def plain_loop(model, batches, lr=2e-4, lambda_l1=100.):
    "The same Pix2Pix step written by hand: critic step, then generator step. Returns seconds per iteration."
    g, c = model.generator, model.critic
    g_opt = torch.optim.Adam([p for p in g.parameters() if p.requires_grad], lr=lr, betas=(0.5, 0.999), eps=1e-8)
    d_opt = torch.optim.Adam(c.parameters(), lr=lr, betas=(0.5, 0.999), eps=1e-8)
    gan, l1 = GANLoss(), torch.nn.L1Loss()
    model.train(); t0 = time.perf_counter()
    for x, pid, y in batches:
        fake = g(x, pid)
        c.requires_grad_(True)
        ld = (gan(model.judge(x, y, pid), True) + gan(model.judge(x, fake.detach(), pid), False)) / 2
        d_opt.zero_grad(); ld.backward(); d_opt.step()
        c.requires_grad_(False)
        loss = lambda_l1 * l1(fake, y) + gan(model.judge(x, fake, pid), True)
        loss.backward(); g_opt.step(); g_opt.zero_grad()
        ld.item(); loss.detach().item()   # the fastai run reads both losses each batch too
    return (time.perf_counter() - t0) / len(batches)

def time_ratio(dls, theta, n_iter, repeats, **kw):
    "Median seconds/iteration of fastai and of the plain loop, alternating, on identical models and batches."
    batches = [dls.train.one_batch() for _ in range(n_iter)]
    torch.manual_seed(0)
    init = gan_learner(dls, theta, **kw).model
    fa, pl = [], []
    for r in range(repeats + 1):   # the first round warms up
        m = copy.deepcopy(init)
        fdl = lambda: DataLoader(batches, bs=None)
        fdls = DataLoaders(fdl(), DataLoader(batches[:1], bs=None)); fdls.proteins = dls.proteins
        learn = gan_learner(fdls, theta, **kw); learn.model = m
        tt = TrainTimer(); learn.add_cb(tt)
        fit_pix2pix(learn, 1)
        p = plain_loop(copy.deepcopy(init), batches)
        if r: fa.append(tt.times[0]); pl.append(p)
    return statistics.median(fa), statistics.median(pl)

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--proteins', type=int, default=30); ap.add_argument('--images', type=int, default=4)
    ap.add_argument('--size', type=int, default=192); ap.add_argument('--crop', type=int, default=96)
    ap.add_argument('--epochs', type=int, default=20); ap.add_argument('--bs', type=int, default=16)
    ap.add_argument('--wf', type=int, default=4); ap.add_argument('--ndf', type=int, default=32)
    ap.add_argument('--lr', type=float, default=5e-4)
    ap.add_argument('--time_iters', type=int, default=12); ap.add_argument('--repeats', type=int, default=3)
    ap.add_argument('--only_timing', action='store_true')
    ap.add_argument('--figures', default=None, help='also write the grid and loss curves here')
    a = ap.parse_args()
    torch.set_num_threads(2)
    d = CACHE/f'reg_{a.proteins}x{a.images}_{a.size}'
    if not (d/'done').exists(): write_synthetic(d, a.proteins, a.images, a.size, seed=0); (d/'done').write_text('')
    files = prep(d, CACHE/f'reg_prep_{a.proteins}', theta_dim=32)
    pm = load_proteins(files['protein_list']); rows = read_image_list(files['img_list'])
    valid = [r for r in rows if r['split'] == 'valid']
    mk_dls = lambda: protein_dls(d, files['img_list'], files['protein_list'], size=a.crop, bs=a.bs, crops_per_image=4, num_workers=1, seed=0)
    rand_theta = load_theta(files['theta_file'])
    kw = dict(depth=4, wf=a.wf, ndf=a.ndf)
    t_fa, t_pl = time_ratio(mk_dls(), rand_theta, a.time_iters, a.repeats, **kw)
    timing = f'| fastai-driven GAN vs plain PyTorch loop, s/iteration ({a.time_iters} iterations of bs {a.bs}, {a.crop}², median of {a.repeats}) | {t_fa:.3f} | {t_pl:.3f} | ratio {t_fa / t_pl:.3f} |'
    if a.only_timing: print(timing); sys.exit()
    reg_ck = CACHE/'reg_run_film'/'last.pth'
    if not reg_ck.exists():   # the regression bench's FiLM model (same settings)
        torch.manual_seed(0)
        learn = regression_learner(mk_dls(), reg_ck.parent, emb_dim=32, cond='film', depth=4, wf=a.wf); learn.remove_cb(ProgressCallback)
        learn.fit_one_cycle(12, 5e-3)
    reg_theta = load_checkpoint(reg_ck)['theta']
    models, times = {'regression (FiLM U-Net)': build_model(load_checkpoint(reg_ck))}, {}
    for name, th, cond in [('GAN, random theta', rand_theta, 'input'), ('GAN, regression theta', reg_theta, 'input'),
                           ('GAN, regression theta, bottleneck', reg_theta, 'bottleneck')]:
        out = CACHE/('gan_' + name.replace(', ', '_').replace(' ', '_'))
        torch.manual_seed(0)
        learn = gan_learner(mk_dls(), th, out, cond=cond, **kw); learn.remove_cb(ProgressCallback)
        t = time.time(); fit_pix2pix(learn, a.epochs, a.lr); times[name] = time.time() - t
        models[name] = build_model(load_checkpoint(out/'last.pth'))
    res = {k: evaluate(lambda r, im, m=m: predict_fov(m, im, pm[r['protein']]), valid, d) for k, m in models.items()}
    res['truth (reference)'] = evaluate(lambda r, im: normalize(im[1:])[0], valid, d)
    tab = metric_table(res)
    print(f'synthetic set: {a.proteins} proteins x {a.images} images of {a.size}^2, {len(valid)} held-out images; GANs: {a.epochs} epochs '
          f'of {a.crop}^2 crops (4 per image), bs {a.bs}, lr {a.lr}, G depth 4 wf {a.wf}, PatchGAN ndf {a.ndf} (70x70); train s: ' +
          ', '.join(f'{k} {v:.0f}' for k, v in times.items()))
    print('| model (held-out full images) | PCC | SSIM | sharpness | hallucination |'); print('|---|---|---|---|---|')
    for k, r in tab.iterrows(): print(f'| {k} | {r.pcc:.3f} | {r.ssim:.3f} | {r.sharpness:.2f} | {r.hallucination:.3f} |')
    print('\n| timing | fastai | plain | |'); print('|---|---|---|---|'); print(timing)
    if a.figures:
        f = Path(a.figures); f.mkdir(parents=True, exist_ok=True)
        compare_grid({'GAN': models['GAN, regression theta'], 'regression': models['regression (FiLM U-Net)']}, valid[:4], d, pm,
                     path=f/'gan_vs_regression.png')
        plot_gan_history(load_checkpoint(CACHE/'gan_GAN_regression_theta'/'last.pth'), f/'gan_losses.png')

"""GAN benchmark (issue: Pix2Pix). On the regression bench's synthetic set, trains the Pix2Pix GAN with random theta
and with the regression U-Net's learned theta (theta as input channels, and at the bottleneck) and prints, on held-out
full images: PCC, SSIM, sharpness and hallucination of regression vs the GANs (truth's own values as the reference),
scored by `protloc.results.eval_models` as `protloc_eval` scores; then the time per training iteration of the
fastai-driven GAN over a plain PyTorch loop on the same generator/critic/batches (same run).
Run: `python bench/gan.py` (after or without `bench/regression.py`)."""
import sys, time
from pathlib import Path
import torch
from common import parser, reg_set, split, bench_dls, fit_regression, fastai_vs_plain, md_table
from protloc.summary import load_theta
from protloc.checkpoint import load_checkpoint
from protloc.pix2pix import gan_learner, Pix2PixLoss, plot_gan_history
from protloc.results import load_models, eval_models, summarize, results_grid
from fastai.callback.progress import ProgressCallback

def plain_loop(g, c, batches, lr=2e-4, loss=None):
    """The same Pix2Pix step written by hand on (generator, critic): critic step, then generator step, both on `loss`
    (the learner's `Pix2PixLoss`: L1 of blurred images, the texture term, the GAN term). Returns seconds per iteration."""
    g_opt = torch.optim.Adam([p for p in g.parameters() if p.requires_grad], lr=lr, betas=(0.5, 0.999), eps=1e-8)
    d_opt = torch.optim.Adam(c.parameters(), lr=lr, betas=(0.5, 0.999), eps=1e-8)
    loss = loss or Pix2PixLoss()
    judge = lambda x, img, pid: c(x, img, g.theta(pid).detach() if c.cond_dim else None)   # patch logits of (nucleus, image) pairs
    g.train(); c.train(); t0 = time.perf_counter()
    for x, pid, y in batches:
        fake = g(x, pid)
        c.requires_grad_(True)
        ld = loss.critic(judge(x, y, pid), judge(x, fake.detach(), pid))
        d_opt.zero_grad(); ld.backward(); d_opt.step()
        c.requires_grad_(False)
        lg = loss(judge(x, fake, pid), fake, y, None if g.unet.noise is None else g.unet.noise.mean)
        lg.backward(); g_opt.step(); g_opt.zero_grad()
        ld.item(); lg.detach().item()   # the fastai run reads both losses each batch too
    return (time.perf_counter() - t0) / len(batches)

def time_ratio(dls, theta, n_iter, repeats, **kw):
    "Median seconds/iteration of fastai and of the plain loop, alternating, on identical models and batches."
    batches = [dls.train.one_batch() for _ in range(n_iter)]
    return fastai_vs_plain(batches, lambda: gan_learner(dls, theta, **kw), lambda learn: learn.fit_flat_lin(1, 2e-4),
                           lambda learn: plain_loop(learn.model, learn.pix2pix.critic, batches, loss=learn.pix2pix.gan_loss), repeats)

if __name__ == '__main__':
    ap = parser(__doc__, epochs=20, lr=5e-4)
    ap.add_argument('--ndf', type=int, default=32)
    ap.add_argument('--time_iters', type=int, default=12); ap.add_argument('--repeats', type=int, default=3)
    ap.add_argument('--samples', type=int, default=8, help="GAN draws per image for the mean-of-samples PCC (1: none)")
    ap.add_argument('--only_timing', action='store_true')
    ap.add_argument('--figures', default=None, help='also write the grid and loss curves here')
    a = ap.parse_args()
    d, files, rows = reg_set(a); cache = Path(a.cache)
    valid = split(rows, 'valid')
    rand_theta = load_theta(files['theta_file'])
    kw = dict(depth=4, wf=a.wf, ndf=a.ndf)
    t_fa, t_pl = time_ratio(bench_dls(d, files, a.crop, a.bs), rand_theta, a.time_iters, a.repeats, **kw)
    timing = f'| fastai-driven GAN vs plain PyTorch loop, s/iteration ({a.time_iters} iterations of bs {a.bs}, {a.crop}², median of {a.repeats}) | {t_fa:.3f} | {t_pl:.3f} | ratio {t_fa / t_pl:.3f} |'
    if a.only_timing: print(timing); sys.exit()
    reg_ck = cache/'reg_run_film'/'last.pth'
    if not reg_ck.exists(): fit_regression(d, files, reg_ck.parent, 'film', a.crop, a.bs, a.wf)   # the regression bench's FiLM model (same settings)
    paths, times = {'regression (FiLM U-Net)': reg_ck}, {}
    reg_theta = load_checkpoint(reg_ck)['theta']
    for name, th, cond in [('GAN, random theta', rand_theta, 'input'), ('GAN, regression theta', reg_theta, 'input'),
                           ('GAN, regression theta, bottleneck', reg_theta, 'bottleneck')]:
        out = cache/('gan_' + name.replace(', ', '_').replace(' ', '_'))
        torch.manual_seed(0)
        learn = gan_learner(bench_dls(d, files, a.crop, a.bs), th, out, cond=cond, **kw); learn.remove_cb(ProgressCallback)
        t = time.time(); learn.fit_flat_lin(a.epochs, a.lr); times[name] = time.time() - t
        paths[name] = out/'last.pth'
    models = dict(zip(paths, load_models(paths.values()).values()))
    tab = summarize(eval_models(models, d, valid, samples=a.samples), by_family=False)
    print(f'synthetic set: {a.proteins} proteins x {a.images} images of {a.size}^2, {len(valid)} held-out images; GANs: {a.epochs} epochs '
          f'of {a.crop}^2 crops (4 per image), bs {a.bs}, lr {a.lr}, G depth 4 wf {a.wf}, PatchGAN ndf {a.ndf} (70x70); train s: ' +
          ', '.join(f'{k} {v:.0f}' for k, v in times.items()))
    print(md_table(tab, {k: k for k in [*models, 'truth (reference)']}, 'model (held-out full images)'))
    print('\n| timing | fastai | plain | |'); print('|---|---|---|---|'); print(timing)
    if a.figures:
        f = Path(a.figures); f.mkdir(parents=True, exist_ok=True)
        results_grid({'GAN': models['GAN, regression theta'], 'regression': models['regression (FiLM U-Net)']}, valid[:4], d, crop=None,
                     path=f/'gan_vs_regression.png', samples=a.samples)
        plot_gan_history(models['GAN, regression theta'][1], f/'gan_losses.png')

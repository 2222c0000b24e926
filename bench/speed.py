"""Speed, scale and memory (issue: speed and robustness). One command, one table:

- training step time of the fastai-driven regression and GAN loops over a plain PyTorch loop doing the same work (same
  model, optimizer, batches and the learner's own loss function), alternating in the same run: the ratio of the
  medians of `--repeats` rounds (5) and the lowest and highest round's ratio (target <= 1.05);
- how long the model waits for data in a real fit at batch 16, 256² crops, default workers (target <= 5% of a
  step), next to the DataLoader's and the model's own time per batch;
- TIFF decode rate (`read_fov`) against the raw read rate of the same files;
- peak RSS of building the DataLoaders and of one epoch of data, 100 vs 1000 proteins (target: flat), measured by
  `bench/data.py --scale`;
- `protloc_predict` images/s on 1024² fields of view, end to end, next to the bare forward pass.

Run: `python bench/speed.py` (about 10 minutes on 2 CPU cores; `--quick` for a smoke run). On a CUDA machine the
same command measures the GPU paths (bf16, channels_last, pinned memory) because `protloc_train` switches them on."""
import argparse, json, os, statistics, subprocess, sys, tempfile, time
from pathlib import Path
import torch
from protloc.data import read_fov
from protloc.synth import write_synthetic, EMBEDDINGS_CSV
from protloc.summary import prep, load_theta
from protloc.dataset import protein_dls
from protloc.settings import TrainSettings
from protloc.train import regression_learner, regression_loss, gpu_speedups
from protloc.pix2pix import gan_learner
from protloc.checkpoint import save_checkpoint, CKPT_FORMAT
from fastai.callback.core import Callback
from fastai.data.core import DataLoaders
from fastai.data.load import DataLoader
from fastai.torch_core import default_device

HERE = Path(__file__).parent
CACHE = HERE/'.cache'   # the synthetic sets, shared with the other benches by name (e.g. reg_30x4_192: bench/regression.py's)

def synth_set(name, n_proteins, n_images, size):
    "`write_synthetic`'s set (seed 0) in CACHE/`name`, written once, two processes at once."
    d = CACHE/name
    if not (d/EMBEDDINGS_CSV).exists(): write_synthetic(d, n_proteins, n_images, size, workers=2, dims=2)   # its last file: the set is whole
    return d

class TrainTimer(Callback):
    "Wall time per iteration of each training phase (all batches, all callbacks; no validation)."
    def before_train(self): self.t0 = time.perf_counter()
    def after_train(self): self.times.append((time.perf_counter() - self.t0) / len(self.dl))
    def __init__(self): self.times = []

def fastai_vs_plain(batches:list, make_learner, fit, plain, repeats:int) -> tuple:
    """Seconds/iteration of a fastai fit and of a plain PyTorch loop over the same `batches`, alternating, `repeats` rounds
    after one warm-up: two lists. Each round `make_learner()` runs from seed 0 (so both start from the same weights) and
    gets the batches as its data; `fit(learn)` trains one epoch, `plain(learn)` times the hand-written loop on a fresh
    learner's networks and loss."""
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
    return fa, pl

def plain_regression(model, batches, opt_func, texture_weight=1.):
    "The regression step by hand: forward, the learner's `regression_loss` (MSE + texture term), backward, step, zero_grad, read the loss. Seconds per iteration."
    opt = opt_func(model.parameters())
    model.train(); t0 = time.perf_counter()
    for x, pid, y in batches:
        loss = regression_loss(model(x, pid), y, model.texture, texture_weight)
        loss.backward(); opt.step(); opt.zero_grad()
        loss.item()                        # fastai's Recorder reads every batch's loss too
    return (time.perf_counter() - t0) / len(batches)

def regression_ratio(dls, n_iter, repeats, lr=3e-3, **kw):
    "s/iteration of `regression_learner` + `fit_one_cycle` and of the plain loop (same init, batches, optimizer, loss), per round."
    batches = [dls.train.one_batch() for _ in range(n_iter)]
    adamw = lambda ps: torch.optim.AdamW(ps, lr=lr, betas=(0.9, 0.99), eps=1e-5, weight_decay=0.01)
    return fastai_vs_plain(batches, lambda: regression_learner(dls, **kw), lambda learn: learn.fit_one_cycle(1, lr),
                           lambda learn: plain_regression(learn.model, batches, adamw, learn.texture_loss.weight if hasattr(learn, 'texture_loss') else 0.), repeats)

def plain_gan(g, c, batches, loss, lr=2e-4):
    """The Pix2Pix step by hand on (generator, critic): critic step, then generator step, both on `loss` (the learner's
    `Pix2PixLoss`: L1 of blurred images, the texture term, the GAN term). Seconds per iteration."""
    g_opt = torch.optim.Adam([p for p in g.parameters() if p.requires_grad], lr=lr, betas=(0.5, 0.999), eps=1e-8)
    d_opt = torch.optim.Adam(c.parameters(), lr=lr, betas=(0.5, 0.999), eps=1e-8)
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

def gan_ratio(dls, theta, n_iter, repeats, **kw):
    "s/iteration of `gan_learner` + `fit_flat_lin` and of the plain loop (same init, batches, optimizers, loss), per round."
    batches = [dls.train.one_batch() for _ in range(n_iter)]
    return fastai_vs_plain(batches, lambda: gan_learner(dls, theta, **kw), lambda learn: learn.fit_flat_lin(1, 2e-4),
                           lambda learn: plain_gan(learn.model, learn.pix2pix.critic, batches, learn.pix2pix.gan_loss), repeats)

class WaitTimer(Callback):
    "Per training batch: how long the loop waited for it (after_batch to the next before_batch), and the step itself."
    order = -100
    def before_train(self): self.waits, self.steps, self.t = [], [], time.perf_counter()
    def before_batch(self):
        now = time.perf_counter(); self.waits.append(now - self.t); self.t0 = now
    def after_batch(self): self.t = time.perf_counter(); self.steps.append(self.t - self.t0)
    def before_validate(self): raise __import__('fastai').callback.core.CancelValidException()

def data_wait(img_dir, img_list, protein_list, size=256, bs=16, crops=4):
    "A real fit with the default model and `protloc_train`'s default workers: wait and step per batch; and the bare DataLoader."
    from protloc.train import train_dls
    dls = train_dls(TrainSettings(img_dir=img_dir, img_list=img_list, protein_list=protein_list, size=size, bs=bs, seed=0, num_threads=2,
                                  crops_per_image=crops))   # num_threads 2 -> 1 worker (the default)
    t = time.perf_counter(); n = sum(1 for _ in dls.train); t_data = (time.perf_counter() - t) / n
    torch.manual_seed(0)
    learn = regression_learner(dls); gpu_speedups(learn)
    wt = WaitTimer(); learn.add_cb(wt)
    learn.fit_one_cycle(1, 3e-3)
    w, st = wt.waits[2:], wt.steps[2:]          # the first batches include worker start-up
    return dict(wait=statistics.mean(w), step=statistics.mean(st), data=t_data, n=len(w), workers=dls.train.fake_l.num_workers)

def _evict(path):
    "Drop a file's pages from the page cache (posix_fadvise DONTNEED), so the next read comes from the disk."
    fd = os.open(path, os.O_RDONLY)
    try: os.fsync(fd); os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally: os.close(fd)

def decode_vs_read(files):
    "MB/s of raw reads and of `read_fov` (decode + checks) over `files`, from the disk (evicted) and from the page cache."
    mb = sum(f.stat().st_size for f in files) / 2**20
    out = {}
    for cache in ('disk', 'cache'):
        for what, fn in (('read', lambda f: f.read_bytes()), ('decode', read_fov)):
            if cache == 'disk':
                for f in files: _evict(f)
            else:
                for f in files: f.read_bytes()
            t = time.perf_counter()
            for f in files: fn(f)
            out[what, cache] = mb / (time.perf_counter() - t)
    return out

def fake_checkpoint(path, n_proteins=30, **unet_kwargs):
    "A checkpoint of the default U-Net, untrained (speed does not depend on the weights)."
    from protloc.unet import ProteinUNet
    from protloc.dataset import NORM
    torch.manual_seed(0); m = ProteinUNet(n_proteins, 32, 'film', **unet_kwargs)
    save_checkpoint(path, dict(format=CKPT_FORMAT, kind='regression', epoch=0, n_epoch=1, model=m.state_dict(), config=dict(m.config),
                               proteins={f'P{i}': i for i in range(n_proteins)}, theta=m.theta.weight.detach().clone(), norm=dict(NORM),
                               size=256, history=[], losses=[], best=0., monitor='valid_loss'))
    return m

def predict_rate(pool, n=8, reps=3):
    "`protloc_predict` on `n` vs 2 images of 1024² (steady images/s, start-up excluded), and the bare forward pass."
    from protloc.testing import run_cli
    from protloc.predict import predict_fov
    tmp = Path(tempfile.mkdtemp()); ck = tmp/'ck.pth'
    m = fake_checkpoint(ck)
    files = sorted(pool.glob('*/*.tif'))[:n]
    def lst(k):
        p = tmp/f'list{k}.csv'
        p.write_text('path,protein,ensg,split\n' + ''.join(f'{f.relative_to(pool)},P{i % 30},,valid\n' for i, f in enumerate(files[:k])))
        return p
    def run(k):
        t = time.perf_counter()
        r = run_cli('protloc_predict', '--model', ck, '--img_dir', pool, '--img_list', lst(k), '--out_dir', tmp/'out', '--num_threads', 2)
        assert r.returncode == 0, r.stderr
        return time.perf_counter() - t
    t2 = statistics.median(run(2) for _ in range(reps)); tn = statistics.median(run(n) for _ in range(reps))
    img = read_fov(files[0])
    def fwd(model):
        predict_fov(model, img, 0); t = time.perf_counter()
        for _ in range(3): predict_fov(model, img, 0)
        return 3 / (time.perf_counter() - t)
    return dict(cli=(n - 2) / (tn - t2), startup=t2 - 2 * (tn - t2) / (n - 2), fwd=fwd(m.to(memory_format=torch.channels_last)),
                fwd_contiguous=fwd(m.to(memory_format=torch.contiguous_format)))

def rss(n1, n2):
    """Peak RSS (main, worker) of building the DataLoaders and of one epoch of batches at `n1` and `n2` proteins: the data
    bench's measurement, run as its command (`bench/data.py --scale`; the benches share commands, not code)."""
    r = subprocess.run([sys.executable, str(HERE/'data.py'), '--scale', f'{n1},{n2}'], capture_output=True, text=True)
    if r.returncode: sys.exit(r.stderr)
    return {int(n): m for n, m in json.loads(r.stdout.strip().splitlines()[-1]).items()}

def spread(fa, pl):
    "The ratio of the medians, and the lowest and highest of the rounds' own ratios."
    rs = [f / p for f, p in zip(fa, pl)]
    return statistics.median(fa) / statistics.median(pl), f'{min(rs):.3f}–{max(rs):.3f} over {len(rs)} rounds'

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--quick', action='store_true', help='small sizes: checks that the bench runs, numbers are not meaningful')
    ap.add_argument('--only', default='train,data,decode,rss,predict', help='comma-separated parts to run')
    ap.add_argument('--repeats', type=int, default=5, help='timed rounds of fastai vs plain (after one warm-up): the median and the spread')
    a = ap.parse_args()
    only = set(a.only.split(','))
    torch.set_num_threads(2)
    q = a.quick
    T = []   # rows: what, protloc, reference, ratio, target, spread of the ratio
    reg = synth_set('reg_30x4_192', 30, 4, 192)   # the regression and GAN benches' set
    files = prep(reg, CACHE/'reg_prep_30', theta_dim=32)
    dev = default_device()
    mk = lambda crop, bs: protein_dls(reg, files['img_list'], files['protein_list'], size=crop, bs=bs, crops_per_image=4, num_workers=0, seed=0, device=dev)
    it, rep = (3, 1) if q else (8, a.repeats)
    if 'train' in only:   # equal work: same weights, batches, optimizer and loss function; the medians' ratio and the rounds' spread
        fa, pl = regression_ratio(mk(96, 16), it, rep, emb_dim=32, depth=4, wf=5)
        r, sp = spread(fa, pl)
        T.append((f'regression step, s/iter (default U-Net, bs 16, 96², {it} iters, median of {rep})', statistics.median(fa), statistics.median(pl), r, '≤ 1.05', sp))
        fa, pl = gan_ratio(mk(96, 16), load_theta(files['theta_file']), 3 if q else 12, rep, depth=4, wf=4, ndf=32)
        r, sp = spread(fa, pl)
        T.append((f'GAN step, s/iter (G wf 4, PatchGAN ndf 32, bs 16, 96², {3 if q else 12} iters, median of {rep})', statistics.median(fa), statistics.median(pl), r, '≤ 1.05', sp))
    if only & {'data', 'decode'}: small = synth_set('small_20x4_600', 20, 4, 600)   # bench/data.py's small set
    if 'data' in only:
        sp = prep(small, CACHE/'small_prep', theta_dim=8)
        w = data_wait(small, sp['img_list'], sp['protein_list'], 128 if q else 256, 16, 1 if q else 4)
        T.append((f"model's wait for data per step, s (bs 16, {128 if q else 256}², {w['workers']} worker, {w['n']} steps)", w['wait'], w['step'], w['wait'] / w['step'], '≤ 0.05', ''))
        T.append(("DataLoader alone vs model step, s/batch", w['data'], w['step'], w['data'] / w['step'], '< 1 (hidden)', ''))
    if only & {'decode', 'predict'}: pool = synth_set('pool_100_1024', 20, 5, 1024)   # bench/data.py's pool of 1024² fields
    if 'decode' in only:
        d = decode_vs_read(sorted(pool.glob('*/*.tif')) + sorted(small.glob('*/*.tif')))
        T.append(('TIFF decode (read_fov) vs raw read, MB/s, from disk', d['decode', 'disk'], d['read', 'disk'], d['decode', 'disk'] / d['read', 'disk'], 'close to 1', ''))
        T.append(('TIFF decode (read_fov) vs raw read, MB/s, page cache', d['decode', 'cache'], d['read', 'cache'], d['decode', 'cache'] / d['read', 'cache'], '', ''))
    n1, n2 = (10, 100) if q else (100, 1000)
    if 'rss' in only:
        m = rss(n1, n2); (b1, e1), (b2, e2) = [(m[n]['build'], m[n]['epoch']) for n in (n1, n2)]
        both = lambda e: e['rss_mb'] + e['child_rss_mb']
        T.append((f'peak RSS building DataLoaders, MB, {n2} vs {n1} proteins (main process)', b2['rss_mb'], b1['rss_mb'], b2['rss_mb'] / b1['rss_mb'], 'flat (≈ 1)', ''))
        T.append((f'peak RSS one epoch of data, MB, {n2} vs {n1} proteins (main + worker)', both(e2), both(e1), both(e2) / both(e1), 'flat (≈ 1)', ''))
    if 'predict' in only:
        p = predict_rate(pool, 4 if q else 10, 1 if q else 3)
        T.append((f"protloc_predict images/s, 1024², end to end (steady; start-up {p['startup']:.1f} s) vs the bare forward pass", p['cli'], p['fwd'], p['cli'] / p['fwd'], 'close to 1', ''))
        T.append(("forward pass images/s, 1024²: channels_last (protloc_predict's) vs contiguous", p['fwd'], p['fwd_contiguous'], p['fwd'] / p['fwd_contiguous'], '> 1', ''))
    print(f'device: {dev}' + (f' ({torch.cuda.get_device_name()})' if dev.type == 'cuda' else f', {torch.get_num_threads()} threads'))
    print('| measure | protloc | reference | ratio | target | ratio per round |'); print('|---|---|---|---|---|---|')
    for what, x, r, ratio, tgt, sp in T: print(f'| {what} | {x:.4g} | {r:.4g} | {ratio:.3f} | {tgt} | {sp} |')

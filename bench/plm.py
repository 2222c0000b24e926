"""Proteins that were never imaged, painted from a sequence embedding (issue 28). Per seed: a synthetic set of 80
proteins (8 per family, 4 images of 128² each; `--proteins`) with `protloc_synth`'s stand-in embeddings; one protein per family,
drawn by the seed, is held out of every training step. The regression U-Net trains on the other 70 (their training
split), `protloc_theta` extracts its theta, and the GAN trains on the same images conditioned on it (the project's
defaults plus --epochs and 96² crops). Then the GAN (and the regression) paint each held-out protein onto all its
images with a theta row from:
  - the map from embedding to theta (`ThetaMap`, fitted on the checkpoint's own 70 proteins and their families:
    kernel ridge, nearest proteins or through the family, whichever predicts held-out proteins' theta best),
  - the same map without the family table (kernel ridge or nearest proteins only),
  - the mean theta of its family (a prior that needs the family, which a user of an unimaged protein may not know),
  - the theta of the seen protein with the nearest embedding,
  - a random row (the scale of the checkpoint's theta).
Scores per image: localization fidelity (a `LocClassifier` fitted on the true training images names the painting's
family), compartment error (nucleus share against the truth's) and, for the GAN, the PCC of the mean of 8 samples;
beside them the truth itself (the classifier's ceiling). Means over seeds with 95 % bootstrap intervals over images.
Beside the intervals, the map is compared with every other theta on the same images (a paired bootstrap of the
difference). Writes bench/plm/{scores,summary,paired,maps}.csv and nbs/images/plm/unseen.png.
Run: `python bench/plm.py --epochs_reg 20 --epochs_gan 12` (3 seeds, one process per seed; about an hour on 2 CPU cores).
With 40 proteins (3 seen per family) the map named the family 0.90 of the time; that run's files are in bench/plm/40proteins."""
import argparse, subprocess, sys, time
from pathlib import Path
import numpy as np, pandas as pd, torch

HERE = Path(__file__).parent
N_PROTEINS, N_IMAGES, SIZE, CROP = 80, 4, 128, 96   # 80: 7 seen proteins per family (40, i.e. 3, left the map naming the family 0.90 of the time)
def paths(n:int):
    "(cache, results, figures) folders of a run with `n` proteins: the default's results in bench/plm, others' in bench/plm/<n>proteins."
    out = HERE/'plm' if n == 80 else HERE/'plm'/f'{n}proteins'
    return HERE/'.cache'/'plm'/f'{n}proteins', out, HERE.parent/'nbs'/'images'/'plm' if n == 80 else out
CACHE, OUT, FIG = paths(N_PROTEINS)
THETAS = ('mapped from the embedding', 'mapped, no family table', 'family mean', 'nearest seen protein (embedding)', 'random')

def setup(seed):
    "(image folder, prep paths, family of every protein, the held-out proteins) for one seed."
    from protloc.synth import write_synthetic
    from protloc.summary import prep
    d = CACHE/f'seed{seed}'
    prots = write_synthetic(d/'synth', N_PROTEINS, N_IMAGES, SIZE, seed, dims=2) if not (d/'synth'/'embeddings.csv').is_file() else None
    from protloc.synth import synth_protein_params
    prots = prots or [synth_protein_params(i, seed) for i in range(N_PROTEINS)]
    fam = {p['gene']: p['family'] for p in prots}
    rng = np.random.default_rng([seed, 28])
    held = {rng.choice(sorted(n for n in fam if fam[n] == f)) for f in sorted(set(fam.values()))}
    files = prep(d/'synth', d/'prep', proteins=[n for n in fam if n not in held], theta_dim=32, seed=seed)
    return d, files, fam, held

def train(seed, epochs_reg, epochs_gan, threads):
    "Train the regression, extract its theta, train the GAN on it (skipped when already done)."
    from protloc.settings import TrainSettings
    from protloc.train import train_regression
    from protloc.pix2pix import train_gan
    from protloc.thetamap import theta_main
    d, f, _, _ = setup(seed); t = time.time()
    common = dict(img_dir=str(d/'synth'), img_list=str(f['img_list']), protein_list=str(f['protein_list']), num_threads=threads, size=CROP, seed=seed)
    if not (d/'reg'/'last.pth').is_file(): train_regression(TrainSettings(**common, out_dir=str(d/'reg'), epochs=epochs_reg))
    theta_main(model=str(d/'reg'/'last.pth'), out=str(d/'theta.pth'))
    if not (d/'gan'/'last.pth').is_file(): train_gan(TrainSettings(**common, is_gan=True, theta_file=str(d/'theta.pth'), out_dir=str(d/'gan'), epochs=epochs_gan))
    print(f'seed {seed}: trained in {time.time() - t:.0f} s', flush=True)

def theta_rows(ck, fam, held, names, emb, seed):
    "kind -> {held-out protein: theta row} for a checkpoint, and the fitted map."
    from protloc.thetamap import mapped_theta, mean_theta
    from protloc.embed import extract_theta
    idx = {n: i for i, n in enumerate(names)}
    use = [n for n in names if n in ck['proteins'] or n in held]
    tm, mapped = mapped_theta(ck, use, emb[[idx[n] for n in use]], {n: fam[n] for n in ck['proteins']})   # the seen proteins' families only
    tm0, mapped0 = mapped_theta(ck, use, emb[[idx[n] for n in use]])
    seen = list(ck['proteins']); x = (emb - emb.mean(0)) / (emb.std(0) + 1e-6); x /= np.linalg.norm(x, axis=1, keepdims=True)
    th = extract_theta(ck).numpy(); g = np.random.default_rng([seed, 29])
    nearest = {h: th[ck['proteins'][max(seen, key=lambda s: x[idx[s]] @ x[idx[h]])]] for h in held}
    rows = {THETAS[0]: mapped, THETAS[1]: mapped0, THETAS[2]: {h: mean_theta(ck, [s for s in seen if fam[s] == fam[h]]) for h in held},
            THETAS[3]: nearest, THETAS[4]: {h: g.normal(0, 1, th.shape[1]) * th.std(0) + th.mean(0) for h in held}}
    return rows, (tm, tm0)

def map_rows(tms, seed, k, held, fam, names, emb) -> list:
    "What each fitted map is, its held-out theta error, and (through the family) how often it names a held-out protein's family."
    h = sorted(held); e = emb[[names.index(n) for n in h]]
    return [dict(seed=seed, model=k, theta=kind, map=repr(tm), kind=tm.kind, alpha=tm.alpha, loo_error=tm.loo_error,
                 family_accuracy=float(np.mean(tm.family_of(e) == np.array([fam[n] for n in h]))) if tm.kind == 'family' else np.nan)
            for kind, tm in zip(THETAS[:2], tms)]

def maps_only(seed):
    "Refit the maps of one seed from its checkpoints (no painting)."
    from protloc.checkpoint import load_checkpoint
    from protloc.thetamap import read_embeddings
    d, f, fam, held = setup(seed); names, emb = read_embeddings(d/'synth'/'embeddings.csv')
    return [r for k in ('reg', 'gan') for r in map_rows(theta_rows(load_checkpoint(d/k/'last.pth'), fam, held, names, emb, seed)[1], seed, k, held, fam, names, emb)]

def score_seed(seed, samples):
    "Per-image scores of every (model, theta) on the held-out proteins of one seed, and the maps fitted."
    from protloc.checkpoint import load_checkpoint, build_model
    from protloc.data import read_fov
    from protloc.summary import read_image_list
    from protloc.dataset import normalize
    from protloc.metrics import loc_features, LocClassifier, compartment_error, pcc
    from protloc.results import prediction_and_spread
    from protloc.thetamap import add_proteins, read_embeddings
    d, f, fam, held = setup(seed)
    names, emb = read_embeddings(d/'synth'/'embeddings.csv')
    cks = {k: load_checkpoint(d/k/'last.pth') for k in ('reg', 'gan')}
    norm = cks['gan']['norm']
    def load(path): img = read_fov(d/'synth'/path); return img, normalize(img[1:], **norm)[0], normalize(img[:1], **norm)[0]
    train_rows = [r for r in read_image_list(f['img_list']) if r['split'] == 'train']
    clf = LocClassifier().fit(np.stack([loc_features(*load(r['path'])[1:]) for r in train_rows]), [fam[r['protein']] for r in train_rows])
    from protloc.data import scan_images
    test_rows = [r for r in scan_images(d/'synth', check=False) if r['protein'] in held]
    models, maps = {}, []
    for k, ck in cks.items():
        rows, tms = theta_rows(ck, fam, held, names, emb, seed)
        maps += map_rows(tms, seed, k, held, fam, names, emb)
        for kind, r in rows.items():
            big = add_proteins(ck, r); models[(k, kind)] = (build_model(big), big)
    out = []
    for r in test_rows:
        img, truth, nuc = load(r['path'])
        preds = {('truth itself', ''): (truth, None)}
        for (k, kind), (m, ck) in models.items():
            p, mean, _ = prediction_and_spread(m, ck, img, ck['proteins'][r['protein']], samples if k == 'gan' else 1, fine=False)
            preds[('GAN' if k == 'gan' else 'regression', kind)] = (p, mean)
        for (model, kind), (p, mean) in preds.items():
            t = lambda a: torch.from_numpy(np.ascontiguousarray(a, np.float32))[None]
            out.append(dict(seed=seed, model=model, theta=kind, protein=r['protein'], family=fam[r['protein']], path=r['path'],
                            fidelity=float(clf.predict(loc_features(p, nuc))[0] == fam[r['protein']]),
                            compartment_error=compartment_error(p, truth, nuc), pcc=float(pcc(t(p), t(truth))),
                            pcc_mean_of_samples=float(pcc(t(mean), t(truth))) if mean is not None else np.nan))
    return pd.DataFrame(out), pd.DataFrame(maps), models

def interval(s:pd.DataFrame, col, n_boot=1000, seed=0) -> tuple:
    "Mean over seeds of the per-seed mean of `col`, with a 95 % bootstrap interval (images resampled within each seed)."
    from protloc.metrics import seeds_bootstrap_ci
    return seeds_bootstrap_ci([v[col].dropna().to_numpy() for _, v in s.groupby('seed')], n_boot, seed)

def summarize(scores):
    rows = []
    for (model, kind), s in scores.fillna({'theta': ''}).groupby(['model', 'theta'], sort=False):
        row = dict(model=model, theta=kind, seeds=s.seed.nunique(), images=len(s) // max(1, s.seed.nunique()))
        for c in ('fidelity', 'compartment_error', 'pcc_mean_of_samples'):
            row[c], row[f'{c}_lo'], row[f'{c}_hi'] = interval(s, c)
            row[f'{c}_per_seed'] = ' '.join(f'{v:.3f}' for v in s.groupby('seed')[c].mean())
        rows.append(row)
    return pd.DataFrame(rows)

def paired(scores, a=THETAS[0], n_boot=2000, seed=0):
    "Per model, theta `a` minus each other theta on the same images: the mean over seeds and a 95 % paired bootstrap interval."
    from protloc.metrics import seeds_bootstrap_ci
    rows, g = [], np.random.default_rng(seed)
    for model, s in scores[scores.theta.isin(THETAS)].groupby('model', sort=False):
        x = s[s.theta == a].set_index(['seed', 'path'])
        for b in THETAS[1:]:
            y = s[s.theta == b].set_index(['seed', 'path'])
            for c in ('fidelity', 'compartment_error', 'pcc_mean_of_samples'):
                d = (x[c] - y[c]).dropna().reset_index(); per = [v[c].to_numpy() for _, v in d.groupby('seed')]
                if not per: continue
                diff, lo, hi = seeds_bootstrap_ci(per, n_boot, g); up = c != 'compartment_error'   # an error: lower is better
                rows.append(dict(model=model, theta=a, versus=b, metric=c, difference=diff, lo=lo, hi=hi,
                                 verdict=('better' if up else 'worse') if lo > 0 else ('worse' if up else 'better') if hi < 0 else 'within noise'))
    return pd.DataFrame(rows)

def figure(models, seed, path):
    "truth | GAN with each theta | nucleus, for one image of five held-out proteins."
    import matplotlib; matplotlib.use('Agg'); import matplotlib.pyplot as plt
    from protloc.data import read_fov, scan_images
    from protloc.dataset import normalize
    from protloc.predict import predict_fov
    d, _, fam, held = setup(seed)
    rows = sorted((r for r in scan_images(d/'synth', check=False) if r['protein'] in held), key=lambda r: (fam[r['protein']], r['path']))
    first = {}
    for r in rows: first.setdefault(r['protein'], r)
    show = list(first.values())[::2]
    cols = ['truth'] + [f'GAN, {k}' for k in THETAS] + ['nucleus']
    fig, axs = plt.subplots(len(show), len(cols), figsize=(1.9 * len(cols), 1.9 * len(show)))
    for i, r in enumerate(show):
        img = read_fov(d/'synth'/r['path']); norm = models[('gan', THETAS[0])][1]['norm']
        ims = [normalize(img[1:], **norm)[0]]
        for k in THETAS:
            m, ck = models[('gan', k)]; torch.manual_seed(0)
            ims.append(predict_fov(m, img, ck['proteins'][r['protein']], ck['norm'], dropout=True))
        ims.append(normalize(img[:1], **norm)[0])
        for j, (im, c) in enumerate(zip(ims, cols)):
            axs[i, j].imshow(im, cmap='gray' if c == 'nucleus' else 'viridis', vmin=0, vmax=max(float(np.percentile(ims[0], 99.8)), 1e-3) if c != 'nucleus' else None)
            axs[i, j].set_xticks([]); axs[i, j].set_yticks([])
            if i == 0: axs[i, j].set_title(c.replace(' (embedding)', ''), fontsize=8)
        axs[i, 0].set_ylabel(f"{r['protein']}\n{fam[r['protein']]}", fontsize=8)
    fig.tight_layout(); path.parent.mkdir(parents=True, exist_ok=True); fig.savefig(path, dpi=80); plt.close(fig)

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--seeds', type=int, default=3); ap.add_argument('--epochs_reg', type=int, default=30); ap.add_argument('--epochs_gan', type=int, default=20)
    ap.add_argument('--samples', type=int, default=8); ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--one', type=int, default=None, help=argparse.SUPPRESS); ap.add_argument('--score_only', action='store_true')
    ap.add_argument('--summary_only', action='store_true', help='recompute summary.csv and paired.csv from scores.csv, and maps.csv')
    ap.add_argument('--proteins', type=int, default=N_PROTEINS, help='proteins in each seed\'s set (4 images each; one per family held out)')
    a = ap.parse_args(); torch.set_num_threads(max(1, a.threads))
    N_PROTEINS = a.proteins; CACHE, OUT, FIG = paths(N_PROTEINS)
    if a.summary_only:
        pd.DataFrame([r for s in range(a.seeds) for r in maps_only(s)]).to_csv(OUT/'maps.csv', index=False, float_format='%.4f')
        scores = pd.read_csv(OUT/'scores.csv')
        summarize(scores).to_csv(OUT/'summary.csv', index=False, float_format='%.4f')
        print(paired(scores).to_csv(OUT/'paired.csv', index=False, float_format='%.4f') or pd.read_csv(OUT/'paired.csv').round(3).to_string(index=False)); sys.exit()
    if a.one is not None: train(a.one, a.epochs_reg, a.epochs_gan, a.threads); sys.exit()
    t0 = time.time()
    if not a.score_only:   # one process per seed, sharing the cores
        ps = [subprocess.Popen([sys.executable, __file__, '--one', str(s), f'--epochs_reg={a.epochs_reg}', f'--epochs_gan={a.epochs_gan}',
                                f'--threads={max(1, a.threads // a.seeds)}', f'--proteins={N_PROTEINS}']) for s in range(a.seeds)]
        if any(p.wait() for p in ps): sys.exit('a training run failed')
    parts = [score_seed(s, a.samples) for s in range(a.seeds)]
    scores, maps = pd.concat([p[0] for p in parts]), pd.concat([p[1] for p in parts])
    OUT.mkdir(parents=True, exist_ok=True)
    scores.to_csv(OUT/'scores.csv', index=False, float_format='%.4f'); maps.to_csv(OUT/'maps.csv', index=False, float_format='%.4f')
    summ = summarize(scores); summ.to_csv(OUT/'summary.csv', index=False, float_format='%.4f')
    paired(scores).to_csv(OUT/'paired.csv', index=False, float_format='%.4f')
    figure(parts[0][2], 0, FIG/'unseen.png')
    prev = pd.read_csv(OUT/'setup.csv').iloc[0].to_dict() if a.score_only and (OUT/'setup.csv').is_file() else {}
    pd.DataFrame([dict(seeds=a.seeds, epochs_reg=a.epochs_reg, epochs_gan=a.epochs_gan, proteins=N_PROTEINS, images=N_IMAGES, size=SIZE, crop=CROP,
                       threads=a.threads, wall_s=prev.get('wall_s', round(time.time() - t0)), score_s=round(time.time() - t0))]).to_csv(OUT/'setup.csv', index=False)
    print(summ[['model', 'theta', 'fidelity', 'fidelity_lo', 'fidelity_hi', 'compartment_error', 'pcc_mean_of_samples']].round(3).to_string(index=False))
    print(f'wall {time.time() - t0:.0f} s')

"""The seed's two findings, measured (issue: science). On a synthetic set of 30 proteins (3 per family, 4 images of
192² each), trains through the console scripts' own functions (`protloc_train`, `protloc_theta`, `protloc_train
--is_gan`) at the project's defaults plus --epochs, then scores every model on held-out full images, per family:
PCC, sharpness, intensity and compartment (nucleus share) against the truth, hallucination and spill; a GAN is
scored on one sample (dropout on, as Pix2Pix paints), with the mean and std of K samples (PCC of the mean, Spearman
of std vs error) and its dropout-off prediction as a row of its own. Every ablation is a row.
Writes bench/science/{scores,families,checks,theta}.csv and figures in nbs/images/science/.
Run: `python bench/science.py --jobs 2` (2 CPU cores: the regression on both, then the two GANs at once on one each,
about 55 minutes; on a CUDA machine the models train there; `--jobs N` trains N at once, sharing --threads).
`--generator othergen`: the same on the images of bench/othergen.py, a generator written without reading protloc's,
into bench/science/othergen/ and nbs/images/science/othergen/ (its own cache: the reference stays)."""
import argparse, json, shutil, subprocess, sys, time
from pathlib import Path
import pandas as pd, torch
from protloc.results import slug   # a model's folder: CACHE/slug(name)

HERE = Path(__file__).parent
REG = 'regression'
# name -> (kind, `TrainSettings` fields beyond the data and --epochs); theta 'learned' = protloc_theta of REG
MODELS = {   # the core rows: the checks read these three
    REG: ('reg', {}),
    'GAN, learned theta': ('gan', dict(theta='learned')),
    'GAN, random theta': ('gan', dict(theta='random')),
}
CORE = list(MODELS)
ABLATIONS = {   # one lever changed per row (`--ablations`; an 'epochs' entry overrides the default, theta 'learned:<row>' takes that row's)
    'regression, 20 epochs': ('reg', dict(epochs=20)),
    'regression, lr 1e-2': ('reg', dict(lr=1e-2)),
    'regression, rows N(0,1), transposed convs (before)': ('reg', dict(emb_std=1., up_mode='upconv')),
    'regression, FiLM at the last stage only': ('reg', dict(film_levels=1)),   # issue 13: the trunk runs once for all proteins
    'regression, no texture target': ('reg', dict(texture_weight=0.)),   # the seed's squared loss on the image alone
    'GAN, learned theta, dropout 0.2': ('gan', dict(theta='learned', dropout=0.2)),
    'GAN, learned theta, dropout 0.5 (Pix2Pix)': ('gan', dict(theta='learned', dropout=0.5)),
    'GAN, random theta, dropout 0.5 (Pix2Pix)': ('gan', dict(theta='random', dropout=0.5)),
    'GAN, learned theta, dropout at the innermost level': ('gan', dict(theta='learned', dropout_levels=1)),
    'GAN, learned theta as it is (not standardized)': ('gan', dict(theta='learned', raw_theta=True)),
    'GAN, learned theta, lambda_L1 10': ('gan', dict(theta='learned', lambda_l1=10.)),
    'GAN, learned theta, 40 epochs': ('gan', dict(theta='learned', epochs=40)),
    'GAN, random theta, 40 epochs': ('gan', dict(theta='random', epochs=40)),
    'GAN, learned theta, Pix2Pix loss (pixel L1, no texture term)': ('gan', dict(theta='learned', l1_blur=0., texture_weight=0.)),   # the defaults before
    'GAN, random theta, Pix2Pix loss (pixel L1, no texture term)': ('gan', dict(theta='random', l1_blur=0., texture_weight=0.)),
    'GAN, learned theta, no texture term': ('gan', dict(theta='learned', texture_weight=0.)),   # L1 of 2 px blurs alone
    'GAN, learned theta, pixel L1': ('gan', dict(theta='learned', l1_blur=0.)),                 # the texture term alone
    'GAN, learned theta, L1 of 4 px blurs': ('gan', dict(theta='learned', l1_blur=4.)),
    'GAN, learned theta, texture weight 300': ('gan', dict(theta='learned', texture_weight=300.)),
}

class Run:
    "Where one run of this bench reads and writes, and which models it has: from its flags (no module global changes)."
    def __init__(self, a):
        self.cache, self.out, self.fig = HERE/'.cache'/'science', HERE/'science', HERE.parent/'nbs'/'images'/'science'
        if a.generator != 'protloc' and not a.out:   # not the reference's
            self.cache, self.out, self.fig = self.cache.parent/f'science_{a.generator}', self.out/a.generator, self.fig/a.generator
        if a.out: self.cache, self.out, self.fig = Path(a.out)/'cache', Path(a.out), Path(a.out)/'figures'
        if a.cache: self.cache = Path(a.cache)
        self.models = {**MODELS, **(ABLATIONS if a.ablations else {})}
        if a.only: self.models = {k: v for k, v in self.models.items() if k in a.only.split('|')}
        self.generator = a.generator   # whose synthetic images: protloc's own, or bench/othergen.py's (written without reading ours)

def data(run, n_proteins, size):
    "(image folder, prep files) of the run's synthetic set of `n_proteins` x 4 fields of `size`², written once."
    from protloc.summary import prep
    from protloc.synth import write_synthetic, EMBEDDINGS_CSV
    if run.generator == 'othergen':
        d = run.cache/f'othergen_{n_proteins}x4_{size}'
        if not (d/'opencell-localization-annotations.csv').is_file():
            subprocess.run([sys.executable, str(HERE/'othergen.py'), str(d), '--proteins', str(n_proteins), '--fovs', '4', '--size', str(size)], check=True)
        return d, prep(d, run.cache/f'prep_othergen_{n_proteins}_{size}', theta_dim=32)
    d = run.cache/f'synth_{n_proteins}x4_{size}'
    if not (d/EMBEDDINGS_CSV).exists(): write_synthetic(d, n_proteins, 4, size, workers=2, dims=2)   # its last file: the set is whole
    return d, prep(d, run.cache/f'prep_{n_proteins}_{size}', theta_dim=32)

def child_argv(a):
    "The command line of a child process doing one share of the work (it gets --one or --score_part)."
    skip = ('one', 'jobs', 'score_only', 'score_part', 'ablations')
    return [sys.executable, __file__, *[f'--{k}={v}' for k, v in vars(a).items() if k not in skip and v is not None]] + ['--ablations'] * a.ablations

def train_one(run, name, a):
    "Train one model with `protloc_train`'s own function; its checkpoint goes to <cache>/<slug>/."
    from protloc.cli import train_main
    from protloc.pix2pix import train_gan
    from protloc.settings import TrainSettings
    from protloc.thetamap import theta_main
    d, files = data(run, a.proteins, a.size)
    kind, kw = run.models[name]; kw = dict(kw)
    common = dict(img_dir=str(d), img_list=str(files['img_list']), protein_list=str(files['protein_list']), out_dir=str(run.cache/slug(name)),
                  num_threads=a.threads, epochs=a.reg_epochs if kind == 'reg' else a.epochs, size=a.crop, wf=a.wf)
    common.update({k: kw.pop(k) for k in ('epochs', 'wf') if k in kw})
    t = time.time()
    if kind == 'reg': train_main(TrainSettings(**common, **kw))
    else:
        th = kw.pop('theta')
        if th.startswith('learned'):
            src = th.partition(':')[2] or REG; tf = run.cache/f'theta_{slug(src)}.pth'
            theta_main(model=str(run.cache/slug(src)/'last.pth'), out=str(tf))
        else: tf = files['theta_file']
        train_gan(TrainSettings(**common, is_gan=True, theta_file=str(tf), **kw))   # what `protloc_train --is_gan` runs (settings with no flag too)
    (run.cache/slug(name)/'train_s.txt').write_text(f'{time.time() - t:.1f}')

COLUMNS = ['model', 'kind', 'family', 'protein', 'path', 'pcc', 'sharpness', 'intensity', 'compartment_error', 'hallucination', 'spill',
           'pcc_mean_of_samples', 'sharpness_mean_of_samples', 'uncertainty_spearman', 'uncertainty_spearman_spread',
           'uncertainty_spearman_mean']   # of scores.csv

def score_all(run, a, names=None):
    "Per (model, held-out image) scores of `protloc.results.eval_models` (the metrics of `protloc.metrics`); `--jobs` processes at once."
    from protloc.summary import read_image_list
    from protloc.results import load_models, eval_models
    from protloc.embed import read_families
    names = list(run.models) if names is None else names
    if a.jobs > 1 and len(names) > 1:   # one process per share of the models, then the parts in the run's order
        parts = [names[i::a.jobs] for i in range(min(a.jobs, len(names)))]
        for p in [subprocess.Popen(child_argv(a) + ['--score_part', '|'.join(ns)]) for ns in parts]: p.wait()
        s = pd.concat([pd.read_csv(run.cache/f'scores_{slug(ns[0])}.csv') for ns in parts])
        return s.sort_values('model', key=lambda m: order(run, m), kind='stable').reset_index(drop=True)
    d, files = data(run, a.proteins, a.size)
    valid = [r for r in read_image_list(files['img_list']) if r['split'] == 'valid']
    models = dict(zip(names, load_models([run.cache/slug(k)/'last.pth' for k in names]).values()))
    s = eval_models(models, d, valid, families=read_families(files['families']), norm=next(iter(models.values()))[1]['norm'],
                    samples=a.samples)   # a GAN: one draw; the mean and std of K draws; its dropout-off prediction
    s = s[s.model.map(base).isin(names)].sort_values('model', key=lambda m: order(run, m), kind='stable')  # model by model, a GAN's sample after it
    return s.assign(kind=s.model.map(lambda k: run.models[base(k)][0] + (' dropout off' if k != base(k) else ''))).reindex(columns=COLUMNS).reset_index(drop=True)

OFF = ' (dropout off)'   # `eval_models` scores each GAN's dropout-off prediction under its name + this
def base(name): return name.removesuffix(OFF)
def order(run, models): return models.map(lambda k: list(run.models).index(base(k)) + 0.5 * (k != base(k)))

def family_table(scores):
    "families.csv: the mean of each metric per model (family 'all', first) and per (model, family), by `protloc.results.summarize`."
    from protloc.results import summarize
    t = summarize(scores)
    n, pairs = scores.model.nunique(), list(dict.fromkeys(zip(scores.model, scores.family)))
    rank = {**{(m, 'all'): i for i, m in enumerate(dict.fromkeys(scores.model))}, **{k: n + i for i, k in enumerate(pairs)}}
    t = t.iloc[sorted(range(len(t)), key=lambda i: rank[t.model[i], t.family[i]])]
    return t[['model', *[m for m in METRICS if m in t], 'family']].reset_index(drop=True)

def theta_table(run, a):
    "kNN family accuracy (k=3, leave-one-out) of each regression's learned theta and of the random theta."
    from protloc.summary import load_theta
    from protloc.checkpoint import load_checkpoint
    from protloc.embed import knn_accuracy, read_families
    _, files = data(run, a.proteins, a.size); fam = read_families(files['families'])
    out = []
    for name, (kind, _) in run.models.items():
        if kind != 'reg': continue
        ck = load_checkpoint(run.cache/slug(name)/'last.pth'); names = sorted(ck['proteins'], key=ck['proteins'].get)
        out.append(dict(theta=f'learned ({name})', knn=knn_accuracy(ck['theta'], [fam[n] for n in names])))
    out.append(dict(theta='random (protloc_prep)', knn=knn_accuracy(load_theta(files['theta_file']), [fam[n] for n in names])))
    return pd.DataFrame(out)

METRICS = ['pcc', 'pcc_mean_of_samples', 'sharpness', 'intensity', 'compartment_error', 'hallucination', 'spill', 'uncertainty_spearman',
           'uncertainty_spearman_spread', 'uncertainty_spearman_mean']

def checks(fams, theta, times):
    "The issue's targets, one row each: value, target, pass."
    f = fams[fams.family != 'all'].set_index(['model', 'family'])
    allr = fams[fams.family == 'all'].set_index('model')
    g, gr = 'GAN, learned theta', 'GAN, random theta'
    reg_pcc = allr.loc[REG, 'pcc']
    rows = [('learned theta kNN family accuracy', theta.knn.iloc[0], '>= 0.8', theta.knn.iloc[0] >= 0.8),
            ('random theta kNN family accuracy', theta.knn.iloc[-1], '<= 0.2', theta.knn.iloc[-1] <= 0.2),
            ('regression PCC (held-out)', reg_pcc, '>= 0.68', reg_pcc >= 0.68),
            ('GAN sharpness / truth, median over families', f.loc[g].sharpness.median(), '0.8-1.25', 0.8 <= f.loc[g].sharpness.median() <= 1.25),
            ('regression sharpness / truth, median over families', f.loc[REG].sharpness.median(), '< 0.6', f.loc[REG].sharpness.median() < 0.6),
            ('GAN intensity / truth, lowest family', f.loc[g].intensity.min(), '>= 0.5', f.loc[g].intensity.min() >= 0.5),
            ('GAN intensity / truth, highest family', f.loc[g].intensity.max(), '<= 2', f.loc[g].intensity.max() <= 2),
            ('GAN compartment error, worst family', f.loc[g].compartment_error.max(), '<= 0.15', f.loc[g].compartment_error.max() <= 0.15),
            ('GAN mean-of-samples PCC / regression PCC', allr.loc[g, 'pcc_mean_of_samples'] / reg_pcc, '>= 0.9', allr.loc[g, 'pcc_mean_of_samples'] / reg_pcc >= 0.9),
            ('GAN single-prediction PCC / regression PCC', allr.loc[g, 'pcc'] / reg_pcc, '(the price of sharpness)', True),
            ('GAN hallucination - regression hallucination', allr.loc[g, 'hallucination'] - allr.loc[REG, 'hallucination'], '> 0', allr.loc[g, 'hallucination'] > allr.loc[REG, 'hallucination']),
            ('compartment error: learned - random theta GAN', allr.loc[g, 'compartment_error'] - allr.loc[gr, 'compartment_error'], '< 0', allr.loc[g, 'compartment_error'] < allr.loc[gr, 'compartment_error']),
            ('mean-of-samples PCC: learned - random theta GAN', allr.loc[g, 'pcc_mean_of_samples'] - allr.loc[gr, 'pcc_mean_of_samples'], '> 0', allr.loc[g, 'pcc_mean_of_samples'] > allr.loc[gr, 'pcc_mean_of_samples']),
            ('uncertainty: Spearman(std, |mean - truth|), median image', fams.attrs['spearman_median'], '>= 0.3', fams.attrs['spearman_median'] >= 0.3),
            ("uncertainty, the draws' pooled spread alone, median image", fams.attrs['spread_median'], '(beside)', True),
            ('uncertainty, the mean itself as the std (a baseline), median image', fams.attrs['mean_median'], '(beside)', True)]
    rows += [(f'train wall time, s: {k}', v, '', True) for k, v in times.items()]
    return pd.DataFrame(rows, columns=['check', 'value', 'target', 'pass'])

def figures(run, a):
    "The comparison grid (truth | regression | GAN | mean and std of its samples | nucleus), theta PCA, PCC per epoch."
    import matplotlib; matplotlib.use('Agg'); import matplotlib.pyplot as plt
    from protloc.data import read_fov
    from protloc.summary import read_image_list, load_theta
    from protloc.dataset import normalize
    from protloc.plot import show_grid
    from protloc.results import load_models, prediction_and_spread
    from protloc.embed import read_families, plot_theta
    d, files = data(run, a.proteins, a.size); fam = read_families(files['families']); FIG = run.fig; FIG.mkdir(parents=True, exist_ok=True)
    valid = [r for r in read_image_list(files['img_list']) if r['split'] == 'valid']
    show, seen = [], set()
    for r in valid:
        if fam[r['protein']] not in seen and len(show) < 5: show.append(r); seen.add(fam[r['protein']])
    (reg, ck), gan = load_models([run.cache/slug(k)/'last.pth' for k in (REG, 'GAN, learned theta')]).values()
    cols = {c: [] for c in ['truth', 'regression', 'GAN (one sample)', f'GAN, mean of {a.samples}', 'GAN std', 'nucleus']}
    for r in show:   # `results_grid`'s columns and a mean-of-samples column, which it does not draw
        img = read_fov(d/r['path']); pid = ck['proteins'][r['protein']]
        cols['truth'].append(normalize(img[1:], **ck['norm'])[0]); cols['nucleus'].append(normalize(img[:1], **ck['norm'])[0])
        cols['regression'].append(prediction_and_spread(reg, ck, img, pid)[0].clip(0, 1))
        p, mu, sd = prediction_and_spread(*gan, img, pid, a.samples)
        cols['GAN (one sample)'].append(p.clip(0, 1))
        cols[f'GAN, mean of {a.samples}'].append(mu.clip(0, 1)); cols['GAN std'].append((sd / max(sd.max(), 1e-6)))
    show_grid(cols, [f"{r['protein']} ({fam[r['protein']]})" for r in show], scale=2., path=FIG/'compare.png'); plt.close('all')
    names = sorted(ck['proteins'], key=ck['proteins'].get); labels = [fam[n] for n in names]
    fig, axs = plt.subplots(1, 2, figsize=(11, 4.2))
    plot_theta(load_theta(files['theta_file']), labels, 'random theta', ax=axs[0]); plot_theta(ck['theta'], labels, 'learned theta', ax=axs[1])
    fig.tight_layout(); fig.savefig(FIG/'theta_pca.png', dpi=80); plt.close('all')
    epoch_curves(run.cache, FIG/'pcc_vs_epoch.png')

def epoch_curves(cache, path):
    "Validation PCC per epoch (the regression's prediction, each GAN's sample) and the GAN samples' sharpness per epoch, from log.csv."
    import matplotlib.pyplot as plt
    fig, axs = plt.subplots(1, 2, figsize=(11, 3.6))
    for k in CORE:
        log = pd.read_csv(cache/slug(k)/'log.csv'); ep = log.epoch + 1
        if 'sample_pcc' not in log: axs[0].plot(ep, log.pcc, 'o-', ms=3, label=k); continue
        axs[0].plot(ep, log.sample_pcc, 'o-', ms=3, label=f'{k} (one sample)')
        axs[1].plot(ep, log.sample_sharpness, 'o-', ms=3, label=f'{k} (one sample)')
    axs[1].axhspan(0.8, 1.25, color='g', alpha=.1, label="the truth's (0.8-1.25)")
    axs[0].set_ylabel('validation PCC (crops)'); axs[1].set_ylabel('sharpness / truth (crops)')
    for ax in axs: ax.set_xlabel('epoch'); ax.legend(fontsize=8)
    fig.tight_layout(); fig.savefig(path, dpi=80); plt.close(fig)

def main():
    "Parse the flags, train (in child processes), score, write the tables and figures."
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--proteins', type=int, default=30); ap.add_argument('--size', type=int, default=192)
    ap.add_argument('--epochs', type=int, default=20, help='GAN epochs'); ap.add_argument('--reg_epochs', type=int, default=40, help='regression epochs')
    ap.add_argument('--crop', type=int, default=128)
    ap.add_argument('--wf', type=int, default=5, help='U-Net width factor (5: the default network)')
    ap.add_argument('--samples', type=int, default=8); ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--jobs', type=int, default=1, help='models trained at once (a GPU machine: 4)')
    ap.add_argument('--out', default=None, help='write CSVs, figures and models under this folder instead (keeps the reference run)')
    ap.add_argument('--cache', default=None, help='models and data from here (default: the reference cache; with --out, OUT/cache)')
    ap.add_argument('--ablations', action='store_true', help='also the ablation rows (one lever changed each; on a GPU machine with --jobs 8)')
    ap.add_argument('--only', default=None, help='model names separated by | (default: all)'); ap.add_argument('--one', default=None, help=argparse.SUPPRESS); ap.add_argument('--score_only', action='store_true')
    ap.add_argument('--score_part', default=None, help=argparse.SUPPRESS)
    ap.add_argument('--generator', default='protloc', choices=['protloc', 'othergen'], help="whose synthetic images: protloc's own or bench/othergen.py's")
    a = ap.parse_args(); run = Run(a)
    torch.set_num_threads(a.threads)
    CACHE, OUT, MODELS = run.cache, run.out, run.models
    if a.score_part:
        ns = a.score_part.split('|'); score_all(run, a, ns).to_csv(CACHE/f'scores_{slug(ns[0])}.csv', index=False); sys.exit()
    if a.one: train_one(run, a.one, a); sys.exit()
    t0 = time.time()
    if not a.score_only:
        data(run, a.proteins, a.size)
        par = lambda names: [p.wait() for p in [subprocess.Popen(child_argv(a) + ['--one', n, f'--threads={max(1, a.threads // len(names))}'])
                                                for n in names]]   # the threads shared by the models training at once
        regs, gans = [n for n, (k, _) in MODELS.items() if k == 'reg'], [n for n, (k, _) in MODELS.items() if k == 'gan']
        for group in (regs, gans):
            for i in range(0, len(group), a.jobs): par(group[i:i + a.jobs])
    times = {k: float((CACHE/slug(k)/'train_s.txt').read_text()) for k in MODELS}
    scores = score_all(run, a); theta = theta_table(run, a)
    fams = family_table(scores)
    if not all(k in MODELS for k in CORE):   # a partial run (--only): its tables, no checks or figures
        OUT.mkdir(parents=True, exist_ok=True); fams.to_csv(OUT/'families.csv', index=False, float_format='%.4f'); scores.to_csv(OUT/'scores.csv', index=False)
        theta.to_csv(OUT/'theta.csv', index=False, float_format='%.4f'); print(fams.round(3).to_string(index=False), theta.round(3).to_string(index=False)); sys.exit()
    g = scores[scores.model == 'GAN, learned theta']
    fams.attrs.update({k: float(g[c].median()) for k, c in [('spearman_median', 'uncertainty_spearman'), ('spread_median', 'uncertainty_spearman_spread'),
                                                             ('mean_median', 'uncertainty_spearman_mean')]})
    chk = checks(fams, theta, times)
    OUT.mkdir(parents=True, exist_ok=True)
    scores.to_csv(OUT/'scores.csv', index=False); fams.to_csv(OUT/'families.csv', index=False, float_format='%.4f')
    chk.to_csv(OUT/'checks.csv', index=False, float_format='%.4f'); theta.to_csv(OUT/'theta.csv', index=False, float_format='%.4f')
    (OUT/'logs').mkdir(exist_ok=True)
    for k in MODELS: shutil.copyfile(CACHE/slug(k)/'log.csv', OUT/'logs'/f'{slug(k)}.csv')   # per-epoch PCC and sample sharpness
    wall = json.loads((OUT/'setup.json').read_text())['wall_s'] if a.score_only and (OUT/'setup.json').exists() else round(time.time() - t0)
    (OUT/'setup.json').write_text(json.dumps(dict(vars(a), device='cuda' if torch.cuda.is_available() else 'cpu', wall_s=wall,   # the run that trained
                                                   torch_threads=a.threads), indent=1))
    figures(run, a)
    pd.set_option('display.width', 250); pd.set_option('display.max_columns', 20)
    print(fams.round(3).to_string(index=False)); print(theta.round(3).to_string(index=False)); print(chk.to_string(index=False))

if __name__ == '__main__': main()

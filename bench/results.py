"""The reference results of notebook 06 (issue: results), from the science bench's models: its regression (40
epochs), its GANs (learned and random theta), plus two baselines trained the same way on the same set through
`protloc_train`'s own function: the seed's second experiment, the regression trained on the nuclear proteins only
(40 epochs), and the protein-agnostic U-Net (`--no_protein`; 20 epochs: a lower bound, what the nucleus alone gives). Then `protloc_eval --shuffle_ids` on the held-out images writes the
metrics and the seed's three figures to `nbs/images/results/`.
Run: `python bench/results.py` after `python bench/science.py` (about 20 minutes on two CPU cores: the two baselines)."""
import argparse, os, shutil, sys
from pathlib import Path
from protloc.summary import prep, read_image_list
from protloc.testing import run_cli
from protloc.results import load_models, results_grid, slug

HERE = Path(__file__).parent
OUT = HERE.parent/'nbs'/'images'/'results'
SCI = HERE/'.cache'/'science'   # bench/science.py's cache: its set, its summary files, a folder per model (slug of its name)
TRAINED = ['regression', 'GAN, random theta', 'GAN, learned theta']   # bench/science.py's models used here

def science_set(a):
    "(image folder, prep files) of bench/science.py's set at `a.proteins` x 4 fields of `a.size`² (it writes them)."
    d = SCI/f'synth_{a.proteins}x4_{a.size}'
    if not d.is_dir(): sys.exit(f'run `python bench/science.py` first: {SCI} lacks its set')
    return d, prep(d, SCI/f'prep_{a.proteins}_{a.size}', theta_dim=32)

def baseline(name, files, a, epochs, **kw):
    "Train one baseline (once) like the science bench's regression; returns its checkpoint."
    from protloc.cli import train_main
    from protloc.settings import TrainSettings
    ck = SCI/name/'last.pth'
    if not ck.exists():
        d, _ = science_set(a)
        train_main(TrainSettings(img_dir=str(d), img_list=str(files['img_list']), protein_list=str(files['protein_list']), out_dir=str(ck.parent),
                                 num_threads=a.threads, epochs=epochs, size=a.crop, wf=a.wf, **kw))
    return ck

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__)
    for k, v in dict(proteins=30, size=192, reg_epochs=40, crop=128, wf=5, threads=2).items(): ap.add_argument(f'--{k}', type=int, default=v)
    ap.add_argument('--agnostic_epochs', type=int, default=20, help='the protein-agnostic baseline: a lower bound, trained for less')
    ap.add_argument('--out', default=str(OUT))
    a = ap.parse_args()
    d, files = science_set(a)
    trained = {k: SCI/slug(k)/'last.pth' for k in TRAINED}
    if not all(p.exists() for p in trained.values()): sys.exit(f'run `python bench/science.py` first: {SCI} lacks its models')
    nuc = prep(d, SCI/f'prep_{a.proteins}_{a.size}_nuclear', families=['nuclear'], theta_dim=32)
    named = {'regression': trained['regression'], 'regression_nuclear': baseline('regression_nuclear', nuc, a, a.reg_epochs),
             'agnostic': baseline('agnostic', files, a, a.agnostic_epochs, no_protein=True),
             'gan_random_theta': trained['GAN, random theta'], 'gan_learned_theta': trained['GAN, learned theta']}
    runs = SCI/'results_runs'; shutil.rmtree(runs, ignore_errors=True)
    for k, p in named.items(): (runs/k).mkdir(parents=True); os.link(p, runs/k/'last.pth')
    out = Path(a.out)
    for p in out.glob('grid_*.png'): p.unlink()   # the last run's grids, some of models no longer in it
    r = run_cli('protloc_eval', '--model', *[runs/k/'last.pth' for k in named], '--img_dir', d, '--img_list', files['img_list'],
                '--out_dir', out, '--shuffle_ids', '--crop', a.size, '--n_show', 4)
    print(r.stdout); print(r.stderr[-2000:], file=sys.stderr)
    if r.returncode: sys.exit(r.returncode)
    ms = load_models([runs/k/'last.pth' for k in ['regression', 'gan_random_theta', 'gan_learned_theta']])
    valid = [x for x in read_image_list(files['img_list']) if x['split'] == 'valid']
    pick = [valid[i] for i in range(0, len(valid), max(1, len(valid) // 4))][:4]   # four different proteins
    results_grid(ms, pick, d, crop=a.size, path=out/'compare.png')
    (out/'scores.csv').unlink(missing_ok=True)   # per-image scores stay out of the repo
    print('figures:', ', '.join(sorted(p.name for p in out.glob('*.png'))))

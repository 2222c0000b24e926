"""The reference results of notebook 06 (issue: results). Uses the checkpoints of `bench/regression.py` and
`bench/gan.py` (trained if missing, same settings), trains the nuclear-only regression U-Net, then runs
`protloc_eval` with `--shuffle_ids` on the held-out images and writes metrics and figures to `nbs/images/results/`.
Run: `python bench/results.py` (after the two benches, about 4 minutes; without them about 30)."""
import argparse, os, shutil, subprocess, sys
from pathlib import Path
from common import CACHE, fit_regression, split
from protloc.core import set_threads
from protloc.data import prep, read_image_list
from protloc.testing import run_cli
from protloc.results import load_models, results_grid

HERE = Path(__file__).parent
OUT = HERE.parent/'nbs'/'images'/'results'

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--epochs', type=int, default=12); ap.add_argument('--out', default=str(OUT))
    a = ap.parse_args()
    set_threads(2)
    d, prep_dir = CACHE/'reg_30x4_192', CACHE/'reg_prep_30'
    need = [CACHE/'reg_run_film'/'last.pth', CACHE/'reg_run_baseline'/'last.pth']
    if not all(p.exists() for p in need): subprocess.run([sys.executable, HERE/'regression.py'], check=True)
    gans = [CACHE/'gan_GAN_random_theta'/'last.pth', CACHE/'gan_GAN_regression_theta'/'last.pth',
            CACHE/'gan_GAN_regression_theta_bottleneck'/'last.pth']
    if not all(p.exists() for p in gans): subprocess.run([sys.executable, HERE/'gan.py'], check=True)
    # the seed's second experiment: regression on the nuclear proteins only (same budget as the regression bench)
    nuc = prep(d, CACHE/'reg_prep_30_nuclear', families=['nuclear'], theta_dim=32)
    nuc_ck = CACHE/'reg_run_nuclear'/'last.pth'
    if not nuc_ck.exists(): print(f"nuclear-only regression: {fit_regression(d, nuc, nuc_ck.parent, epochs=a.epochs):.0f} s")
    runs = CACHE/'results_runs'; shutil.rmtree(runs, ignore_errors=True)
    named = {'regression': need[0], 'regression_nuclear': nuc_ck, 'agnostic': need[1],
             'gan_random_theta': gans[0], 'gan_regression_theta': gans[1], 'gan_regression_theta_bottleneck': gans[2]}
    for k, p in named.items(): (runs/k).mkdir(parents=True); os.link(p, runs/k/'last.pth')
    out = Path(a.out)
    r = run_cli('protloc_eval', '--model', *[runs/k/'last.pth' for k in named], '--img_dir', d,
                '--img_list', prep_dir/'images.csv', '--out_dir', out, '--shuffle_ids', '--crop', 192, '--n_show', 4)
    print(r.stdout); print(r.stderr[-2000:], file=sys.stderr)
    if r.returncode: sys.exit(r.returncode)
    ms = load_models([runs/k/'last.pth' for k in ['regression', 'gan_random_theta', 'gan_regression_theta']])
    valid = split(read_image_list(prep_dir/'images.csv'), 'valid')
    pick = [valid[i] for i in range(0, len(valid), max(1, len(valid) // 4))][:4]   # four different proteins
    results_grid(ms, pick, d, crop=192, path=out/'compare.png')
    for f in ['scores.csv']: (out/f).unlink(missing_ok=True)   # per-image scores stay out of the repo
    print('figures:', ', '.join(sorted(p.name for p in out.glob('*.png'))))

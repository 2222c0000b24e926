"""Regression benchmark (issue: regression). Trains on a synthetic set with a fixed budget and prints, on held-out
full images of seen proteins, PCC and SSIM of: (a) the FiLM-conditioned U-Net, (a') bottleneck conditioning,
(b) the protein-agnostic baseline, (c) the per-protein mean training image, (d) the conditioned U-Net given a wrong
protein id; and kNN family accuracy of learned vs random theta. Scored by `protloc.results.eval_models`, as
`protloc_eval` scores. Run: `python bench/regression.py` (smoke run: `--proteins 6 --images 2 --size 64 --crop 32
--epochs 1 --cache /tmp/protloc_smoke`)."""
from pathlib import Path
from common import parser, reg_set, split, fit_regression, md_table
from protloc.summary import load_theta
from protloc.embed import knn_accuracy, read_families
from protloc.results import load_models, eval_models, summarize

RUNS = {'film': ('film', '(a) U-Net, FiLM conditioning'), 'bottleneck': ('bottleneck', "(a') U-Net, bottleneck conditioning"),
        'baseline': (None, '(b) protein-agnostic U-Net')}   # run folder reg_run_<key> -> (conditioning, row)
ROWS = {**{label: label for _, label in RUNS.values()},   # `eval_models`' model names -> the table's rows, in order
        'per-protein mean image': '(c) per-protein mean training image',
        f"{RUNS['film'][1]} (wrong protein)": '(d) FiLM U-Net, wrong protein id',
        f"{RUNS['bottleneck'][1]} (wrong protein)": "(d') bottleneck U-Net, wrong protein id",
        'truth (reference)': 'truth (reference)'}

if __name__ == '__main__':
    a = parser(__doc__, epochs=12, lr=5e-3).parse_args()
    d, files, rows = reg_set(a); cache = Path(a.cache)
    valid, train = split(rows, 'valid'), split(rows, 'train')
    times = {k: fit_regression(d, files, cache/f'reg_run_{k}', cond, a.crop, a.bs, a.wf, a.epochs, a.lr) for k, (cond, _) in RUNS.items()}
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
          f'random theta {knn_r:.2f} |' + ' |' * 7)

"""Does the texture target make theta encode localization? (issue 12, theta kNN). At the budget of notebook 04's own
check (30 proteins x 4 fields of 128², a depth-3 U-Net of width factor 3 and 16-long theta, 8 epochs, about a CPU-minute
a run), trains the regression with `--texture_weight` 0 (the seed's plain squared loss), 1 (the default) and
10, over several data and training seeds, on protloc's generator and on bench/othergen.py's, and writes the kNN family
accuracy (k=3, leave-one-out) of each run's theta and its held-out PCC (crops) to bench/texture/knn.csv.
Run: `python bench/texture.py` (about 30 minutes on 2 CPU cores)."""
import argparse, subprocess, sys, tempfile, time
from pathlib import Path
import pandas as pd, torch

HERE = Path(__file__).parent
OUT = HERE/'texture'

def data_set(gen, seed, tmp):
    "(image folder, prep files) of one synthetic set: protloc's `write_synthetic` or bench/othergen.py."
    from protloc.summary import prep
    from protloc.synth import write_synthetic
    d = tmp/f'{gen}_{seed}'
    if gen == 'protloc': write_synthetic(d, n_proteins=30, n_images=4, size=128, seed=seed, dims=2)
    else: subprocess.run([sys.executable, str(HERE/'othergen.py'), str(d), '--proteins', '30', '--fovs', '4', '--size', '128',
                          '--seed', str(seed)], check=True, capture_output=True)
    return d, prep(d, tmp/f'prep_{gen}_{seed}', theta_dim=16)

def one_run(d, files, weight, seed, epochs):
    "kNN accuracy of the learned theta and held-out PCC of one short regression."
    from protloc.dataset import protein_dls
    from protloc.embed import knn_accuracy, read_families
    from protloc.train import regression_learner
    dls = protein_dls(d, files['img_list'], files['protein_list'], size=96, bs=16, crops_per_image=4, seed=seed)
    torch.manual_seed(seed)
    learn = regression_learner(dls, emb_dim=16, depth=3, wf=3, texture_weight=weight)
    with learn.no_bar(), learn.no_logging(): learn.fit_one_cycle(epochs, 5e-3); pcc = float(learn.validate()[1])
    fam = read_families(files['families']); names = sorted(dls.proteins, key=dls.proteins.get)
    return dict(knn=knn_accuracy(learn.model.theta.weight.detach(), [fam[n] for n in names]), pcc=pcc)

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--seeds', type=int, default=4); ap.add_argument('--epochs', type=int, default=8)
    ap.add_argument('--weights', default='0,1,10'); ap.add_argument('--generators', default='protloc,othergen')
    ap.add_argument('--threads', type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    rows, tmp = [], Path(tempfile.mkdtemp())
    for gen in a.generators.split(','):
        for seed in range(a.seeds):
            d, files = data_set(gen, seed, tmp)
            for w in [float(x) for x in a.weights.split(',')]:
                t = time.time(); r = one_run(d, files, w, seed, a.epochs)
                rows.append(dict(generator=gen, seed=seed, texture_weight=w, **r, wall_s=round(time.time() - t, 1)))
                print(rows[-1], flush=True)
    OUT.mkdir(exist_ok=True)
    df = pd.DataFrame(rows); df.to_csv(OUT/'knn.csv', index=False)
    print(df.groupby(['generator', 'texture_weight'])[['knn', 'pcc']].agg(['mean', 'min', 'max']).round(3).to_string())

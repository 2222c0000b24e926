"""Theta for proteins the GAN never saw (issue 12: the seed's reason to extract theta). In `bench/science.py` the GAN
trains on every protein, and a frozen random row is then as good an identity code as a learned one. Here the GAN
trains on the images of two proteins of each family (20 of the 30), conditioned on the learned theta of the science
bench's regression (which saw all 30) or on protloc_prep's random theta, at the project's defaults plus --epochs; then
it paints the 10 proteins it never saw onto all their images, and the 20 it saw onto their held-out images. A theta
that encodes localization should let the GAN put an unseen protein in its family's compartment.
Needs the science bench's cache (its data, regression and learned theta). Writes bench/science/unseen/{scores,summary}.csv
and nbs/images/science/unseen.png (truth | each GAN's sample | nucleus, for one held-out image of five unseen proteins).
Run: `python bench/unseen.py` (about 25 minutes on 2 CPU cores)."""
import argparse, subprocess, sys, time
from pathlib import Path
import torch
from protloc.results import slug   # a model's folder name, as bench/science.py names them

HERE = Path(__file__).parent
SCI, OUT = HERE/'.cache'/'science', HERE/'science'/'unseen'
CACHE = SCI/'unseen'
THETA = {'GAN, learned theta': SCI/'theta_regression.pth', 'GAN, random theta': SCI/'prep_30_192'/'theta.pth'}
COLS = ['pcc', 'pcc_mean_of_samples', 'compartment_error', 'intensity', 'sharpness']

def setup():
    "(image folder, prep folder, families, unseen proteins): the last protein of each family (by id) is left out of training."
    from protloc.summary import load_proteins
    from protloc.embed import read_families
    prep = SCI/'prep_30_192'; fam = read_families(prep/'families.csv'); ids = load_proteins(prep/'proteins.pkl')
    last = {}
    for p in sorted(fam, key=ids.get): last[fam[p]] = p
    return SCI/'synth_30x4_192', prep, fam, set(last.values())

def train(name, a):
    from protloc.summary import read_image_list, write_image_list
    from protloc.settings import TrainSettings
    from protloc.pix2pix import train_gan
    d, prep, _, unseen = setup(); CACHE.mkdir(parents=True, exist_ok=True)
    seen = CACHE/'images_seen.csv'
    write_image_list(seen, [r for r in read_image_list(prep/'images.csv') if r['protein'] not in unseen])
    t = time.time()
    train_gan(TrainSettings(img_dir=str(d), img_list=str(seen), protein_list=str(prep/'proteins.pkl'), is_gan=True, theta_file=str(THETA[name]),
                            out_dir=str(CACHE/slug(name)), num_threads=a.threads, epochs=a.epochs, size=128, wf=5))
    print(f'{name}: trained in {time.time() - t:.0f} s')

def score(a):
    from protloc.summary import read_image_list
    from protloc.results import load_models, eval_models, results_grid
    d, prep, fam, unseen = setup()
    rows = [r for r in read_image_list(prep/'images.csv') if r['protein'] in unseen or r['split'] == 'valid']
    paths = [CACHE/slug(n)/'last.pth' for n in THETA]
    models = dict(zip(THETA, load_models(paths).values()))
    s = eval_models(models, d, rows, families=fam, norm=next(iter(models.values()))[1]['norm'], samples=a.samples)
    s = s[s.model.isin(THETA)].assign(proteins=lambda t: t.protein.map(lambda p: 'never seen by the GAN' if p in unseen else 'seen (held-out images)'))
    t = s.groupby(['proteins', 'model'], sort=False)[COLS].mean().assign(images=s.groupby(['proteins', 'model'], sort=False).size()).reset_index()
    OUT.mkdir(parents=True, exist_ok=True)
    s.to_csv(OUT/'scores.csv', index=False); t.to_csv(OUT/'summary.csv', index=False, float_format='%.4f')
    print(t.round(3).to_string(index=False))
    show = [r for r in rows if r['protein'] in unseen and r['split'] == 'valid']
    show = sorted(show, key=lambda r: fam[r['protein']])[::2]   # five families
    results_grid(models, show, d, crop=None, samples=1, path=HERE.parent/'nbs'/'images'/'science'/'unseen.png')

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--epochs', type=int, default=20); ap.add_argument('--samples', type=int, default=8)
    ap.add_argument('--threads', type=int, default=2); ap.add_argument('--jobs', type=int, default=2, help='GANs trained at once')
    ap.add_argument('--one', default=None, help=argparse.SUPPRESS); ap.add_argument('--score_only', action='store_true')
    a = ap.parse_args(); torch.set_num_threads(a.threads)
    if a.one: train(a.one, a); sys.exit()
    if not a.score_only:
        names, t0 = list(THETA), time.time()
        for i in range(0, len(names), a.jobs):
            ps = [subprocess.Popen([sys.executable, __file__, '--one', n, f'--epochs={a.epochs}', f'--threads={max(1, a.threads // a.jobs)}']) for n in names[i:i + a.jobs]]
            for p in ps: p.wait()
        print(f'trained in {time.time() - t0:.0f} s')
    score(a)

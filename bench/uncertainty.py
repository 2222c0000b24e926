"""Can any per-pixel std beat the mean used as a std, within intensity strata? A diagnostic on the findings bench's
**validation** split (no default is chosen from it; the test split is not read).

The check "uncertainty within intensity strata" asks a std to rank |mean − truth| among pixels of the same predicted
brightness better than the brightness itself does (`stratified_spearman`). For each seed's validation images this
scores, beside the mean as a std:

- `predictive std`: what `protloc_predict --samples 8` writes (the draws' pooled spread + the training images' fine
  variance at the mean's intensity, `predictive_std`);
- `draws + regression's texture`: the draws' pooled spread + the band amplitudes the regression U-Net predicts for the
  protein (its texture head: how much grain the protein has there, learned from true images);
- `draws + their own texture`: the draws' pooled spread + the band amplitudes of the draws themselves;
- two oracles that read the truth, which no model can: `oracle: truth's texture` (the draws' spread + the band
  amplitudes of the true image: how much grain it has at each place, but not where each grain sits) and
  `oracle: truth's placement` (the draws' spread + |the true image blurred by 2 px − mean|: where its structures are).

The oracles bound what a std could reach: if knowing the truth's own texture is needed to clear the target, no
painting of a nucleus image can. Writes bench/findings/valid/uncertainty.csv (one row per image), which the findings
notebook renders with bootstrap intervals.

    python bench/findings.py --split valid            # first: the cache of models
    python bench/uncertainty.py                        # the 48-epoch defaults' GAN (the test split's models' settings)
"""
import argparse
from pathlib import Path
import numpy as np, pandas as pd, torch
from scipy import ndimage
from protloc.checkpoint import load_checkpoint, build_model
from protloc.data import read_fov
from protloc.dataset import normalize
from protloc.embed import read_families
from protloc.metrics import interval_coverage, predictive_std, sample_stats, stratified_spearman
from protloc.predict import gan_draws
from protloc.summary import read_image_list
from protloc.train import texture_target

HERE = Path(__file__).parent

def amplitude(img:np.ndarray) -> np.ndarray:
    "K×H×W (or H×W) images -> H×W: the root of their fine and mid bands' squared amplitudes (`band_amplitudes`), averaged over K."
    a = texture_target(torch.from_numpy(np.asarray(img, np.float32)).reshape(-1, 1, *img.shape[-2:])).numpy()
    return np.sqrt((a ** 2).sum(1).mean(0))

def regression_texture(ck:dict, model, raw:np.ndarray, pid:int) -> np.ndarray:
    "The regression's predicted band amplitudes (its texture head) for protein `pid` on the image's nucleus, combined as `amplitude`."
    x = torch.from_numpy(normalize(raw, **ck['norm'])[:1])[None]
    with torch.no_grad(): model.eval(); model(x, torch.tensor([pid]))
    return np.sqrt((model.texture[0].clamp_min(0).numpy() ** 2).sum(0))

def stds(draws, mean, spread, truth, fine, reg_tex) -> dict:
    "name -> H×W std: the candidates the module docstring lists, each with the draws' pooled spread (`predictive_std` without the fine variance)."
    v = predictive_std(spread, mean) ** 2
    return {'mean as std': mean, 'predictive std': predictive_std(spread, mean, fine),
            "draws + regression's texture": np.sqrt(v + reg_tex ** 2), 'draws + their own texture': np.sqrt(v + amplitude(draws) ** 2),
            "oracle: truth's texture": np.sqrt(v + amplitude(truth) ** 2),
            "oracle: truth's placement": np.sqrt(v + (ndimage.gaussian_filter(truth, 2.) - mean) ** 2)}

def scores(gan:str, seed:int, cache:Path, data:Path) -> list:
    "Rows (seed, family, path, std, rho, coverage 1 / 2 sd) for every validation image and candidate std."
    s = cache/f'seed{seed}'; fam = read_families(s/'prep'/'families.csv')
    gck, rck = (load_checkpoint(s/m/'last.pth') for m in (gan, 'reg')); gm, rm = build_model(gck), build_model(rck); rows = []
    for r in (r for r in read_image_list(s/'prep'/'images.csv') if r['split'] == 'valid'):
        raw = read_fov(data/r['path']); truth = normalize(raw, **gck['norm'])[1]
        draws = gan_draws(gm, gck, raw, gck['proteins'][r['protein']]); mean, spread = sample_stats(draws)
        reg_tex = regression_texture(rck, rm, raw, rck['proteins'][r['protein']])
        for name, sd in stds(draws, mean, spread, truth, gck.get('fine_variance'), reg_tex).items():
            rows.append(dict(seed=seed, family=fam.get(r['protein'], ''), path=r['path'], std=name, rho=stratified_spearman(sd, mean, truth),
                             coverage_1sd=interval_coverage(mean, sd, truth, 1.), coverage_2sd=interval_coverage(mean, sd, truth, 2.)))
    return rows

def main(a):
    cache = Path(a.cache); data = next(cache.glob('protloc_*_seed*')); torch.set_num_threads(a.threads)
    out = pd.DataFrame([row for seed in a.seeds for row in scores(a.gan, seed, cache, data)])
    out.to_csv(a.out, index=False, float_format='%.4f')
    print(out.groupby('std', sort=False)[['rho', 'coverage_1sd', 'coverage_2sd']].mean().round(3).to_string())

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--cache', default=str(HERE/'.cache'/'findings')); ap.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    ap.add_argument('--gan', default='gan_epochs_48', help="the GAN folder in each seed's cache ('gan': the 24-epoch defaults)")
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--out', default=str(HERE/'findings'/'valid'/'uncertainty.csv'))
    main(ap.parse_args())

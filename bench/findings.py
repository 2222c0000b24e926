"""The findings, under a protocol that cannot be tuned to (issue 24): every default is chosen on the validation split,
the test split is scored once, every number is a mean over seeds with a 95 % interval, every check's pass is computed.

For each seed: `protloc_prep` writes the splits to disk (by image for the proteins the models see: train, valid, test;
plus proteins held out of every training step, half in valid, half in test), then the console scripts train at the
project's defaults (plus the budget below) a regression U-Net, the protein-agnostic baseline (the same U-Net, no
protein) and the Pix2Pix GAN on the regression's learned theta, and `protloc_eval` scores every model on the chosen
split beside the baselines (wrong protein, per-protein and per-family mean images) and the ceiling (the truth itself).

Run: `python bench/findings.py --split valid` while choosing; `python bench/findings.py --split test` once, at the end.
Writes bench/findings/<split>/{scores,table,checks,theta}.csv and setup.json; the findings notebook and the README
render from them. `--generator othergen` uses bench/othergen.py's images."""
import argparse, shutil, json, subprocess, sys, time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
import numpy as np, pandas as pd

HERE = Path(__file__).parent
OUT = HERE/'findings'
GAN, REG, AGN = 'GAN', 'regression', 'protein-agnostic'
BASELINES = ['wrong protein', 'per-family mean image', 'per-protein mean image']
CEILING = 'truth (reference)'

def sh(cmd, log):
    "Run one console-script command line, its output appended to `log`; fail loudly."
    with open(log, 'a') as f:
        f.write(f'$ {" ".join(map(str, cmd))}\n'); f.flush()
        r = subprocess.run(list(map(str, cmd)), stdout=f, stderr=subprocess.STDOUT)
    if r.returncode: raise SystemExit(f'{cmd[0]} failed (exit {r.returncode}); see {log}')

def make_data(a, cache):
    "The synthetic set (one for all seeds, as a real data set is one): protloc_synth, or bench/othergen.py."
    d = cache/f'{a.generator}_{a.proteins}x{a.images}_{a.size}_seed{a.data_seed}'
    if (d/'opencell-localization-annotations.csv').is_file(): return d
    if a.generator == 'othergen':
        sh([sys.executable, HERE/'othergen.py', d, '--proteins', a.proteins, '--fovs', a.images, '--size', a.size, '--seed', a.data_seed], cache/'data.log')
    else: sh(['protloc_synth', d, '--proteins', a.proteins, '--images', a.images, '--size', a.size, '--seed', a.data_seed, '--dims', 2], cache/'data.log')
    return d

def seed_dir(cache, seed): return cache/f'seed{seed}'

def gan_dir(a) -> str:
    "The GAN's folder: 'gan' at the defaults, 'gan_<flags>' for a lever (`--gan_flags`, `--gan_theta`), so each lever is a model of its own."
    parts = ([f'theta_{a.gan_theta}'] if a.gan_theta != 'learned' else []) + ([''.join(c if c.isalnum() else '_' for c in a.gan_flags).strip('_')] if a.gan_flags else [])
    return '_'.join(['gan', '___'.join(parts)]) if parts else 'gan'

def gan_theta(a, s) -> Path:
    "The theta the GAN conditions on: the regression's learned one (`protloc_theta`), or one-hot, each protein its own axis and all equally far apart."
    if a.gan_theta == 'learned':
        sh(['protloc_theta', '--model', s/'reg'/'last.pth', '--out', s/'theta_learned.pth'], s/'log.txt'); return s/'theta_learned.pth'
    import torch
    from protloc.summary import load_proteins, save_theta
    save_theta(s/'theta_onehot.pth', torch.eye(len(load_proteins(s/'prep'/'proteins.pkl')))); return s/'theta_onehot.pth'

def prep(a, d, seed, cache):
    "The splits of this seed, written to disk by protloc_prep."
    s = seed_dir(cache, seed); s.mkdir(parents=True, exist_ok=True)
    if not (s/'prep'/'images.csv').is_file():
        sh(['protloc_prep', '--img_dir', d, '--out_dir', s/'prep', '--valid_pct', a.valid_pct, '--test_pct', a.test_pct,
            '--heldout_pct', a.heldout_pct, '--seed', seed, '--theta_dim', 32], s/'log.txt')
    return s

TRAINED = []   # the models this run trained (none: a rescoring)

def train(a, d, s, seed, kind, threads):
    "One model through `protloc_train` (skipped when a finished run's folder exists): 'reg', 'agn' or 'gan'."
    out = s/kind
    if (out/'train_s.txt').is_file(): return out/'last.pth'   # written last: a finished run
    if out.exists(): shutil.rmtree(out)   # an interrupted run: its checkpoint is not the model asked for
    common = ['--num_threads', threads, '--protein_list', s/'prep'/'proteins.pkl', '--img_dir', d, '--img_list', s/'prep'/'images.csv',
              '--out_dir', out, '--size', a.crop, '--wf', a.wf, '--seed', seed]
    t = time.time()
    if kind.startswith('gan'):   # 'gan', or 'gan_<lever>' with --gan_flags
        sh(['protloc_train', '--is_gan', '--pix2pix_gen', '--theta_file', gan_theta(a, s), '--epochs', a.gan_epochs, *common,
            *a.gan_flags.split()], s/'log.txt')
    else: sh(['protloc_train', '--epochs', a.reg_epochs, *common, *(['--no_protein'] if kind == 'agn' else [])], s/'log.txt')
    (out/'train_s.txt').write_text(f'{time.time() - t:.1f}'); TRAINED.append(out)
    return out/'last.pth'

def score(a, d, s, split, threads):
    "protloc_eval of the three models on `split`, with the baselines; its per-image scores."
    out = s/f'eval_{split}{gan_dir(a)[3:]}'
    if not (out/'scores.csv').is_file():
        sh(['protloc_eval', '--model', s/'reg'/'last.pth', s/'agn'/'last.pth', s/gan_dir(a)/'last.pth', '--img_dir', d,
            '--img_list', s/'prep'/'images.csv', '--out_dir', out, '--split', split, '--shuffle_ids', '--samples', a.samples,
            '--num_threads', threads, '--families', s/'prep'/'families.csv'], s/'log.txt')
    names = {'agn (protein-agnostic)': AGN, 'reg': REG, gan_dir(a): GAN}   # load_models marks a model without a protein
    sc = pd.read_csv(out/'scores.csv')
    sc['model'] = sc.model.map(lambda m: rename(m, names))
    return sc

def std_scales(s, a) -> dict:
    "The GAN's σ-scaling factors that protloc_eval fitted on this seed's validation images (its predictive std, a constant, the noise model)."
    p = s/f'eval_{a.split}{gan_dir(a)[3:]}'/'metrics.json'
    return json.loads(p.read_text()).get('std_scales', {}).get(gan_dir(a), {}) if p.is_file() else {}

def rename(m, names):
    "protloc_eval names a model by its folder ('reg (wrong protein)'); the bench's names are the table's."
    for k, v in names.items():
        if m == k or m.startswith(k + ' '): return v + m[len(k):]
    return m

def theta_knn(s):
    "kNN family accuracy (k=3, leave-one-out) of the regression's learned theta and of the random theta, on the seen proteins."
    from protloc.summary import load_theta
    from protloc.checkpoint import load_checkpoint
    from protloc.embed import knn_accuracy, read_families
    ck = load_checkpoint(s/'reg'/'last.pth'); fam = read_families(s/'prep'/'families.csv')
    names = sorted(ck['proteins'], key=ck['proteins'].get); seen = seen_proteins(s)
    keep = [i for i, n in enumerate(names) if n in seen]
    labels = [fam[names[i]] for i in keep]
    return dict(learned=knn_accuracy(ck['theta'][keep], labels), random=knn_accuracy(load_theta(s/'prep'/'theta.pth')[keep], labels))

GAN_LEVERS = ('epochs', 'dropout', 'dropout_levels', 'cond', 'lambda_l1', 'l1_blur', 'texture_weight', 'n_layers', 'ndf', 'size', 'z_dim', 'draws', 'hist_weight', 'texture_spread', 'z_global', 'fine_noise', 'feat_match', 'cell_crops',
              'mode_seeking', 'best_of', 'finetune_theta', 'stain_weight')

def gan_settings(ck_path) -> dict:
    "The GAN's settings that the levers change, read from its checkpoint (what it was trained with, not what the flags said)."
    from protloc.checkpoint import load_checkpoint
    ck = load_checkpoint(ck_path); s = ck.get('settings', {})
    return {k: s[k] for k in GAN_LEVERS if k in s}

def seen_proteins(s) -> set:
    "Proteins with training images in this seed's split (the others are held out of every training step)."
    return set(pd.read_csv(s/'prep'/'images.csv').query("split == 'train'").protein)

# ---------------------------------------------------------------- the table: means over seeds, 95 % intervals over images
METRICS = ['loc_correct', 'loc_correct_draws', 'radial_distance', 'compartment_error', 'intensity', 'sharpness', 'hallucination_ratio', 'pcc',
           'pcc_mean_of_samples', 'uncertainty_stratified', 'uncertainty_stratified_mean', 'coverage_1sd', 'coverage_2sd',
           'coverage_1sd_cal', 'coverage_2sd_cal', 'coverage_gap_cal', 'coverage_1sd_cal_const', 'coverage_gap_cal_const', 'coverage_gap_cal_noise']

def table(scores:pd.DataFrame) -> pd.DataFrame:
    "Per (model, family; family 'all' first): each metric's mean over every image of every seed, its 95 % bootstrap interval, and the seeds' own means."
    from protloc.metrics import bootstrap_ci
    rows = []
    for fam in ['all', *sorted(scores.family.unique())]:
        part = scores if fam == 'all' else scores[scores.family == fam]
        for m, g in part.groupby('model', sort=False):
            r = dict(model=m, family=fam, images=len(g), seeds=g.seed.nunique())
            for c in [c for c in METRICS if c in g and g[c].notna().any()]:
                r[c], r[f'{c}_lo'], r[f'{c}_hi'] = bootstrap_ci(g[c])
                r[f'{c}_seeds'] = ' '.join(f'{v:.3f}' for v in g.groupby('seed')[c].mean())
            rows.append(r)
    return pd.DataFrame(rows)

def family_values(t, model, col):
    "`col` per family (not 'all') of `model`."
    f = t[(t.model == model) & (t.family != 'all')]
    return dict(zip(f.family, f[col]))

def verdict(per_seed:list, ok) -> str:
    "pass / fail when every seed agrees; 'tie' when the seeds disagree (a sign that flips between seeds is no finding)."
    v = [bool(ok(x)) for x in per_seed]
    return 'pass' if all(v) else 'fail' if not any(v) else 'tie'

def checks(t:pd.DataFrame, per_seed:dict, knn:pd.DataFrame) -> pd.DataFrame:
    """The issue's targets, each computed from the table: value (mean over seeds, interval), target, verdict, and whether
    the protein-agnostic baseline would pass it too (then the check is no evidence that the model knows the protein)."""
    A = lambda m, c: t[(t.model == m) & (t.family == 'all')][c].iloc[0] if ((t.model == m) & (t.family == 'all')).any() else np.nan
    I = lambda m, c: (A(m, f'{c}_lo'), A(m, f'{c}_hi'))
    S = lambda m, c: per_seed[(m, c)]   # per-seed values of a statistic
    rows = []
    def add(name, value, ci, target, ok, seeds, agn=None):
        rows.append(dict(check=name, value=value, lo=ci[0], hi=ci[1], target=target, verdict=verdict(seeds, ok),
                         agnostic=agn, agnostic_passes=None if agn is None or np.isnan(agn) else bool(ok(agn))))
    add('learned theta kNN family accuracy', knn.learned.mean(), (knn.learned.min(), knn.learned.max()), '>= 0.8', lambda v: v >= 0.8, knn.learned)
    add('random theta kNN family accuracy', knn.random.mean(), (knn.random.min(), knn.random.max()), '<= 0.2', lambda v: v <= 0.2, knn.random)
    add('GAN localization fidelity, all families', A(GAN, 'loc_correct'), I(GAN, 'loc_correct'), '>= 0.8', lambda v: v >= 0.8,
        S(GAN, 'loc_all'), A(AGN, 'loc_correct'))
    add('GAN localization fidelity, worst family', min(family_values(t, GAN, 'loc_correct').values()), (np.nan, np.nan), '>= 2/3',
        lambda v: v >= 2 / 3 - 1e-9, S(GAN, 'loc_worst'), min(family_values(t, AGN, 'loc_correct').values(), default=np.nan))
    if (GAN, 'loc_draws_all') in per_seed:   # the same two questions asked of every draw, not one: less luck of the draw
        add('GAN localization fidelity, all families (every draw)', A(GAN, 'loc_correct_draws'), I(GAN, 'loc_correct_draws'), '>= 0.8',
            lambda v: v >= 0.8, S(GAN, 'loc_draws_all'))
        add('GAN localization fidelity, worst family (every draw)', min(family_values(t, GAN, 'loc_correct_draws').values()), (np.nan, np.nan),
            '>= 2/3', lambda v: v >= 2 / 3 - 1e-9, S(GAN, 'loc_draws_worst'))
    add('GAN intensity / truth, lowest family', min(family_values(t, GAN, 'intensity').values()), (np.nan, np.nan), '>= 0.5',
        lambda v: v >= 0.5, S(GAN, 'int_min'), min(family_values(t, AGN, 'intensity').values(), default=np.nan))
    add('GAN intensity / truth, highest family', max(family_values(t, GAN, 'intensity').values()), (np.nan, np.nan), '<= 2',
        lambda v: v <= 2, S(GAN, 'int_max'), max(family_values(t, AGN, 'intensity').values(), default=np.nan))
    add('GAN radial distance (px) - protein-agnostic', A(GAN, 'radial_distance') - A(AGN, 'radial_distance'),   # the family mean image,
        (np.nan, np.nan), '< -1', lambda v: v < -1, S(GAN, 'radial_vs_agn'), 0.)   # whose nuclei do not line up, was a baseline the agnostic beat
    add('GAN compartment error, worst family', max(family_values(t, GAN, 'compartment_error').values()), (np.nan, np.nan), '<= 0.15',
        lambda v: v <= 0.15, S(GAN, 'comp_worst'), max(family_values(t, AGN, 'compartment_error').values(), default=np.nan))
    add('GAN sharpness / truth, median family', np.median(list(family_values(t, GAN, 'sharpness').values())), (np.nan, np.nan), '0.8-1.25',
        lambda v: 0.8 <= v <= 1.25, S(GAN, 'sharp_median'), np.median(list(family_values(t, AGN, 'sharpness').values())))
    add('GAN mean-of-8 PCC / regression PCC', A(GAN, 'pcc_mean_of_samples') / A(REG, 'pcc'), (np.nan, np.nan), '>= 0.9',
        lambda v: v >= 0.9, S(GAN, 'mean8_ratio'))
    add('regression PCC - wrong protein PCC', A(REG, 'pcc') - A(f'{REG} (wrong protein)', 'pcc'), (np.nan, np.nan), '>= 0.05',
        lambda v: v >= 0.05, S(REG, 'pcc_vs_wrong'))
    add('uncertainty within intensity strata: predictive std - mean as std', A(GAN, 'uncertainty_stratified') - A(GAN, 'uncertainty_stratified_mean'),
        (np.nan, np.nan), '>= 0.05', lambda v: v >= 0.05, S(GAN, 'unc_margin'))
    add('coverage of mean ± 1 std (calibrated: 0.68)', A(GAN, 'coverage_1sd'), I(GAN, 'coverage_1sd'), '0.58-0.78', lambda v: 0.58 <= v <= 0.78, S(GAN, 'cov1'))
    if (GAN, 'cov1_cal') in per_seed:   # σ-scaled on the validation images; a constant std scaled the same way is the trivial baseline
        add('coverage of mean ± 1 std, σ-scaled on validation images', A(GAN, 'coverage_1sd_cal'), I(GAN, 'coverage_1sd_cal'), '0.58-0.78',
            lambda v: 0.58 <= v <= 0.78, S(GAN, 'cov1_cal'), A(GAN, 'coverage_1sd_cal_const'))
        add('coverage of mean ± 2 std, σ-scaled (calibrated: 0.95)', A(GAN, 'coverage_2sd_cal'), I(GAN, 'coverage_2sd_cal'), '0.90-0.99',
            lambda v: 0.90 <= v <= 0.99, S(GAN, 'cov2_cal'))
        add('coverage gap over intensity strata, σ-scaled (calibrated: 0)', A(GAN, 'coverage_gap_cal'), I(GAN, 'coverage_gap_cal'), '<= 0.05',
            lambda v: v <= 0.05, S(GAN, 'gap'))
        add('coverage gap over intensity strata, σ-scaled: std - constant std', A(GAN, 'coverage_gap_cal') - A(GAN, 'coverage_gap_cal_const'),
            (np.nan, np.nan), '< -0.05', lambda v: v < -0.05, S(GAN, 'gap_vs_const'))
        add('coverage gap over intensity strata, σ-scaled: std - noise model alone', A(GAN, 'coverage_gap_cal') - A(GAN, 'coverage_gap_cal_noise'),
            (np.nan, np.nan), '< -0.02', lambda v: v < -0.02, S(GAN, 'gap_vs_noise'))
    add('GAN hallucination / truth\'s own', A(GAN, 'hallucination_ratio'), I(GAN, 'hallucination_ratio'), '<= 1.5 (beside regression)',
        lambda v: v <= 1.5, S(GAN, 'hall'), A(AGN, 'hallucination_ratio'))
    return pd.DataFrame(rows)

def seed_stats(scores:pd.DataFrame) -> dict:
    "(model, statistic) -> the statistic per seed, for the checks' verdicts."
    out = {}
    for seed, s in scores.groupby('seed'):
        fam = lambda m, c: s[s.model == m].groupby('family')[c].mean()
        mean = lambda m, c: s[s.model == m][c].mean()
        vals = {(GAN, 'loc_all'): mean(GAN, 'loc_correct'), (GAN, 'loc_worst'): fam(GAN, 'loc_correct').min(),
                (GAN, 'int_min'): fam(GAN, 'intensity').min(), (GAN, 'int_max'): fam(GAN, 'intensity').max(),
                (GAN, 'radial_vs_agn'): mean(GAN, 'radial_distance') - mean(AGN, 'radial_distance'),
                (GAN, 'comp_worst'): fam(GAN, 'compartment_error').max(), (GAN, 'sharp_median'): fam(GAN, 'sharpness').median(),
                (GAN, 'mean8_ratio'): mean(GAN, 'pcc_mean_of_samples') / mean(REG, 'pcc'),
                (REG, 'pcc_vs_wrong'): mean(REG, 'pcc') - mean(f'{REG} (wrong protein)', 'pcc'),
                (GAN, 'unc_margin'): mean(GAN, 'uncertainty_stratified') - mean(GAN, 'uncertainty_stratified_mean'),
                (GAN, 'cov1'): mean(GAN, 'coverage_1sd'), (GAN, 'hall'): mean(GAN, 'hallucination_ratio')}
        if 'coverage_1sd_cal' in s and s[s.model == GAN].coverage_1sd_cal.notna().any():
            vals.update({(GAN, 'cov1_cal'): mean(GAN, 'coverage_1sd_cal'), (GAN, 'cov2_cal'): mean(GAN, 'coverage_2sd_cal'), (GAN, 'gap'): mean(GAN, 'coverage_gap_cal'),
                         (GAN, 'gap_vs_const'): mean(GAN, 'coverage_gap_cal') - mean(GAN, 'coverage_gap_cal_const'),
                         (GAN, 'gap_vs_noise'): mean(GAN, 'coverage_gap_cal') - mean(GAN, 'coverage_gap_cal_noise')})
        if 'loc_correct_draws' in s and s[s.model == GAN].loc_correct_draws.notna().any():
            vals.update({(GAN, 'loc_draws_all'): mean(GAN, 'loc_correct_draws'), (GAN, 'loc_draws_worst'): fam(GAN, 'loc_correct_draws').min()})
        for k, v in vals.items(): out.setdefault(k, []).append(v)
    return out

def fmt(v, lo=None, hi=None, d=2) -> str:
    "A value with its interval, as the tables print it."
    if v is None or (isinstance(v, float) and np.isnan(v)): return '—'
    return f'{v:.{d}f}' + ('' if lo is None or np.isnan(lo) else f' ({lo:.{d}f}–{hi:.{d}f})')

def families_line(t:pd.DataFrame) -> str:
    "Which families the GAN's samples are named as in at least 2/3 of their images, and which not."
    f = family_values(t, GAN, 'loc_correct'); ok = sorted(k for k, v in f.items() if v >= 2 / 3 - 1e-9)
    bad = ', '.join(f'{k} {v:.2f}' for k, v in sorted(f.items(), key=lambda kv: kv[1]) if k not in ok)
    return f"- **Families recognised** in at least 2/3 of the GAN's samples: {len(ok)} of {len(f)} ({', '.join(ok)}); not: {bad}."

def wall_text(setup:dict) -> str:
    "The run's wall time as the summary says it: a rescoring of models trained elsewhere says so."
    if setup.get('wall_s') is None:
        train = sum(setup.get('train_s', {}).values()) / 60
        r = setup.get('rescored_s', 0); again = f'{r / 60:.0f} minutes' if r >= 90 else f'{r} s'
        return f"models trained by earlier runs ({train:.0f} minutes of training, {setup['jobs']} at a time), rescored in {again}"
    return f"{setup['wall_s'] / 60:.0f} minutes on {setup['threads']} CPU cores"

def summary_md(out:Path) -> str:
    "The README's 'What it finds' list, written from a run's files (checks.csv, table.csv, setup.json)."
    chk, t = pd.read_csv(out/'checks.csv'), pd.read_csv(out/'table.csv')
    setup = json.loads((out/'setup.json').read_text())
    A = lambda m, c: t[(t.model == m) & (t.family == 'all')].iloc[0]
    row = lambda m, c: fmt(A(m, c)[c], A(m, c)[f'{c}_lo'], A(m, c)[f'{c}_hi'])
    lines = [f"On the **{setup['split']}** split of `python bench/findings.py` ({len(setup['seeds'])} seeds, {setup['proteins']} synthetic proteins "
             f"× {setup['images']} fields, a {setup['reg_epochs']}-epoch regression and a {setup['gan_epochs']}-epoch GAN of width factor "
             f"{setup['wf']} on {setup['crop']}² crops; {wall_text(setup)}), means over seeds "
             'with 95 % intervals over images:', '',
             f"- **Localization fidelity** (a classifier fitted on true training images names the painting's family): GAN sample "
             f"{row(GAN, 'loc_correct')}, regression {row(REG, 'loc_correct')}, protein-agnostic {row(AGN, 'loc_correct')}, "
             f"per-family mean image {row('per-family mean image', 'loc_correct')}; the true images themselves {row(CEILING, 'loc_correct')}.",
             families_line(t),
             f"- **Where the signal lies** (earth mover's distance over the distance from the nucleus edge, px): GAN {row(GAN, 'radial_distance')}, "
             f"regression {row(REG, 'radial_distance')}, protein-agnostic {row(AGN, 'radial_distance')}, wrong protein "
             f"{row(f'{REG} (wrong protein)', 'radial_distance')}.",
             f"- **Sharpness** (fine detail ÷ the truth's): GAN {row(GAN, 'sharpness')}, regression {row(REG, 'sharpness')}; "
             f"**hallucination** ÷ the truth's own: GAN {row(GAN, 'hallucination_ratio')}, regression {row(REG, 'hallucination_ratio')}.",
             f"- **PCC**: regression {row(REG, 'pcc')} against {row(f'{REG} (wrong protein)', 'pcc')} with the wrong protein; "
             f"the mean of {setup['samples']} GAN samples {row(GAN, 'pcc_mean_of_samples')}.", '',
             "Each target, its verdict over the seeds ('tie' where the seeds disagree) and whether a trivial baseline would pass it too "
             "(the protein-agnostic model; for the σ-scaled coverage, a constant std scaled the same way):", '',
             '| check | value | target | verdict | trivial baseline |', '|---|---|---|---|---|']
    for r in chk.itertuples():
        agn = '' if pd.isna(r.agnostic) else f"{r.agnostic:.2f} ({'passes' if r.agnostic_passes else 'fails'})"
        lines.append(f'| {r.check} | {fmt(r.value, r.lo, r.hi)} | {r.target} | {r.verdict} | {agn} |')
    return '\n'.join(lines)

def between_markers(s:str, text:str) -> str:
    "`s` with `text` between its findings markers."
    a, b = '<!-- findings:start -->', '<!-- findings:end -->'
    return s[:s.index(a) + len(a)] + '\n' + text + '\n' + s[s.index(b):] if a in s and b in s else s

def write_readme(out:Path, repo:Path=HERE.parent):
    "Put `summary_md` between the findings markers of the README and of its twin, the docs' home page (numbers from the files, never typed in)."
    text = summary_md(out)
    (repo/'README.md').write_text(between_markers((repo/'README.md').read_text(), text))
    nb = json.loads((repo/'nbs'/'index.ipynb').read_text())
    for c in nb['cells']:
        if c['cell_type'] == 'markdown': c['source'] = between_markers(''.join(c['source']), text).splitlines(True)
    (repo/'nbs'/'index.ipynb').write_text(json.dumps(nb, indent=1, ensure_ascii=False) + '\n')

def main(a):
    cache = Path(a.cache or HERE/'.cache'/'findings'); cache.mkdir(parents=True, exist_ok=True)
    out = Path(a.out or OUT)/(a.split if a.generator == 'protloc' else f'{a.generator}_{a.split}')
    if gan_dir(a) != 'gan': out = out/'levers'/gan_dir(a)   # a lever's row: its own files, the defaults' untouched
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.time(); d = make_data(a, cache)
    dirs = {seed: prep(a, d, seed, cache) for seed in a.seeds}
    th = str(max(1, a.threads // a.jobs))
    with ThreadPoolExecutor(a.jobs) as pool:   # a.jobs models at once, the threads shared: regressions first, then the GANs
        list(pool.map(lambda job: train(a, d, dirs[job[0]], job[0], job[1], th), [(s, k) for s in a.seeds for k in ('reg', 'agn')]))
        list(pool.map(lambda s: train(a, d, dirs[s], s, gan_dir(a), th), a.seeds))
        scores = list(pool.map(lambda s: score(a, d, dirs[s], a.split, th).assign(seed=s), a.seeds))
    scores = pd.concat(scores, ignore_index=True)
    knn = pd.DataFrame([dict(seed=s, **theta_knn(dirs[s])) for s in a.seeds])
    t = table(scores); chk = checks(t, seed_stats(scores), knn)
    times = {f'{k} train s (seed {s})': float((dirs[s]/k/'train_s.txt').read_text()) for s in a.seeds for k in ('reg', 'agn', gan_dir(a))}
    scores.to_csv(out/'scores.csv', index=False); t.to_csv(out/'table.csv', index=False, float_format='%.4f')
    chk.to_csv(out/'checks.csv', index=False, float_format='%.4f'); knn.to_csv(out/'theta.csv', index=False, float_format='%.4f')
    prev = json.loads((out/'setup.json').read_text()) if (out/'setup.json').is_file() else {}
    trained = bool(TRAINED)   # a rescoring of cached models keeps the wall time of the run that trained them (None: not known here)
    wall = round(time.time() - t0) if trained else prev.get('wall_s') if prev.get('train_s') == times else None
    (out/'setup.json').write_text(json.dumps(dict(vars(a), wall_s=wall, train_s=times, gan={**gan_settings(dirs[a.seeds[0]]/gan_dir(a)/'last.pth'), 'theta': a.gan_theta},
                                                  std_scales={s: std_scales(dirs[s], a) for s in a.seeds},
                                                  **({} if trained else {'rescored_s': round(time.time() - t0)})), indent=1))
    pd.set_option('display.width', 250); pd.set_option('display.max_columns', 30)
    cols = ['model', 'images', *[c for c in ('loc_correct', 'radial_distance', 'compartment_error', 'intensity', 'sharpness', 'hallucination_ratio', 'pcc') if c in t]]
    print(t[t.family == 'all'][cols].round(3).to_string(index=False)); print(chk.round(3).to_string(index=False))
    print(f'wall time {time.time() - t0:.0f} s')
    shown = a.split == 'test' or not (OUT/'test'/'checks.csv').is_file()   # the README shows the test split once it has been scored
    if a.out is None and a.generator == 'protloc' and gan_dir(a) == 'gan' and shown: write_readme(out)

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--split', default='valid', choices=['valid', 'test'], help='valid while choosing; test once, at the end')
    ap.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    ap.add_argument('--proteins', type=int, default=30); ap.add_argument('--images', type=int, default=6); ap.add_argument('--size', type=int, default=192)
    ap.add_argument('--valid_pct', type=float, default=1 / 6); ap.add_argument('--test_pct', type=float, default=1 / 6)
    ap.add_argument('--heldout_pct', type=float, default=0., help='proteins held out of every training step (half valid, half test)')
    ap.add_argument('--data_seed', type=int, default=1, help="protloc_synth's seed: 1, images no earlier bench chose a default on (those used 0)")
    ap.add_argument('--reg_epochs', type=int, default=20); ap.add_argument('--gan_epochs', type=int, default=48, help='12, then 24 before the levers (validation split) showed 24, then 48, name more families')
    ap.add_argument('--crop', type=int, default=64, help='training crops (the default: 128; 64 fits three seeds in an hour on two cores)')
    ap.add_argument('--wf', type=int, default=4, help='U-Net width factor (the default network: 5)')
    ap.add_argument('--samples', type=int, default=8); ap.add_argument('--threads', type=int, default=2); ap.add_argument('--jobs', type=int, default=2)
    ap.add_argument('--generator', default='protloc', choices=['protloc', 'othergen'])
    ap.add_argument('--cache', default=None); ap.add_argument('--out', default=None)
    ap.add_argument('--gan_flags', default='', help="a lever: more protloc_train flags for the GAN, e.g. '--texture_weight 50' (its own model and files)")
    ap.add_argument('--gan_theta', default='learned', choices=['learned', 'onehot'], help="the GAN's theta: the regression's (the default), or one-hot (a lever: its own model and files)")
    ap.add_argument('--readme_only', action='store_true', help="rewrite the README's findings from the run's files, train nothing")
    a = ap.parse_args()
    if a.readme_only: write_readme((Path(a.out) if a.out else OUT)/a.split)
    else: main(a)

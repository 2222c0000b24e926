"""`protloc_predict`'s speed and memory on nucleus-only images (issue 13). Prints one table.

- images/s at 1024² for one and for ten proteins per image (the default U-Net, depth 4, wf 5, FiLM after every decoder
  stage; and the same U-Net with FiLM at the last stage only, `--film_levels 1`, whose trunk runs once for all proteins;
  untrained weights: speed does not depend on them), bf16 autocast vs fp32;
- GFLOP/s of those forward passes (FLOPs counted by torch's FLOP counter) next to a measured matmul peak of this
  machine (bf16 and fp32, 4096² matrices);
- peak RSS (VmHWM) of a fresh process painting one 1024² and one 4096² image with 1024² tiles (median of 3 processes);
- locality on nucleus-only synthetic fields with the nuisances (haze, uneven light, specks, dense and sparse): the
  science bench's regressions (`bench/science.py`: the default U-Net, 40 epochs; and FiLM at the last stage only) paint
  a cytoplasmic protein and a nucleoplasm one onto unseen 512² fields (training fields are 192²); the share of the
  cytoplasmic signal farther than 60 px (about 3 nucleus radii) from any nucleus, and the share of the nuclear one
  inside nuclei, next to the truth's. Without those checkpoints, a small U-Net trained here for 8 epochs stands in.

usage: python bench/predict.py [--threads 2] [--quick]"""
import argparse, os, subprocess, sys, tempfile, time
from pathlib import Path
import numpy as np, torch

def matmul_peak(dtype, n=4096, reps=3):
    a, b = torch.randn(n, n, dtype=dtype), torch.randn(n, n, dtype=dtype)
    a @ b; t = time.perf_counter()
    for _ in range(reps): a @ b
    return 2 * n ** 3 * reps / (time.perf_counter() - t) / 1e9

def flops_per_image(m, size, n_prot):
    from torch.utils.flop_counter import FlopCounterMode
    from protloc.predict import forward_proteins
    x = torch.rand(1, 1, 256, 256)   # a convolution's FLOPs grow with the pixels: count at 256², scale up
    with FlopCounterMode(display=False) as fc, torch.inference_mode(): forward_proteins(m, x, torch.arange(n_prot))
    return fc.get_total_flops() * (size / 256) ** 2

def speed(m, size, n_prot, bf16, reps):
    from protloc.predict import predict_fov
    img = np.random.default_rng(0).integers(400, 4000, (size, size), dtype=np.uint16)   # no int64 array first (128 MB at 4096²)
    predict_fov(m, img[:256, :256], list(range(n_prot)), bf16=bf16)   # warm-up
    t = time.perf_counter()
    for _ in range(reps): predict_fov(m, img, list(range(n_prot)), bf16=bf16)
    return reps / (time.perf_counter() - t)

CHILD = r'''
import sys, numpy as np, torch
from protloc.unet import ProteinUNet
from protloc.predict import predict_fov, cpu_bf16
torch.set_num_threads(int(sys.argv[2])); size = int(sys.argv[1])
m = ProteinUNet(20, 32, depth=4, wf=5).eval().to(memory_format=torch.channels_last)
img = np.random.default_rng(0).integers(400, 4000, (size, size), dtype=np.uint16)   # no int64 array first (128 MB at 4096²)
p = predict_fov(m, img, 0, tile=1024, bf16=cpu_bf16())
print([l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1])
'''

def peak_rss_mb(size, threads, runs=3):
    "Median peak RSS of `runs` fresh processes (one varies by ±4% from run to run)."
    rs = [subprocess.run([sys.executable, '-c', CHILD, str(size), str(threads)], capture_output=True, text=True, check=True) for _ in range(runs)]
    return float(np.median([int(r.stdout.strip().splitlines()[-1]) / 1024 for r in rs]))

def locality(threads, far_px=60, size=512, n_fields=4, fig=None, ckpt=None):
    "Share of predicted vs true signal far from nuclei (cytoplasmic) and inside nuclei (nucleoplasm), on unseen fields."
    from protloc.summary import prep
    from protloc.testing import run_cli
    from protloc.synth import synth_cells, synth_fov, synth_protein_params, write_synthetic
    from protloc.dataset import normalize
    from protloc.checkpoint import build_model, load_checkpoint
    from protloc.predict import predict_fov
    from protloc.metrics import nucleus_share
    tmp = Path(tempfile.mkdtemp())
    if ckpt is None:   # no trained checkpoint given: a small one, trained here on the synthetic default
        write_synthetic(tmp/'s', n_proteins=10, n_images=6, size=256, seed=0, dims=2)
        f = prep(tmp/'s', tmp/'p', theta_dim=8)
        r = run_cli('protloc_train', '--num_threads', threads, '--protein_list', f['protein_list'], '--img_dir', tmp/'s', '--img_list', f['img_list'],
                    '--out_dir', tmp/'run', '--epochs', 8, '--bs', 8, '--size', 128, '--depth', 4, '--wf', 4, timeout=3600)
        assert r.returncode == 0, r.stderr[-2000:]
    ck = load_checkpoint(ckpt or tmp/'run'/'last.pth'); net = build_model(ck)
    prots = {p['family']: p for p in (synth_protein_params(i, 0) for i in range(10))}
    if fig:   # "Your own images": two unseen nucleus-only fields, one protein of each of five families
        from protloc.data import write_tiff
        from protloc.predict import paint_figure
        fs = [tmp/'own'/f'field{j}.tif' for j in (0, 1)]
        for j, f_ in enumerate(fs): write_tiff(f_, synth_fov(prots['cytoplasmic'], 384, 0, 200 + 7 * j, dims=2)[:1])
        fams = ['nucleoplasm', 'nucleolus_gc', 'cytoplasmic', 'mitochondria', 'membrane']
        paint_figure(net, ck, fs, [prots[k]['gene'] for k in fams], path=fig)
    out = {}
    for fam, where in (('cytoplasmic', 'far'), ('nucleoplasm', 'in')):
        p, sh = prots[fam], []
        for j in range(100, 100 + n_fields):   # fields never trained on
            img = synth_fov(p, size, 0, j, dims=2)
            g = synth_cells(size, np.random.default_rng([0, int(p['ensg'][4:]), j, 2]))   # the same geometry synth_fov drew
            m = g['d_out'] > far_px if where == 'far' else g['nuc'] > 0
            pred = predict_fov(net, img[0], ck['proteins'][p['gene']], ck['norm'])
            truth = normalize(img[1:], **ck['norm'])[0]
            sh.append((nucleus_share(pred, m), nucleus_share(truth, m), m.mean()))   # share of the (non-negative) signal in m
        out[fam] = np.mean(sh, 0)
    return out

def main():
    ap = argparse.ArgumentParser(); ap.add_argument('--threads', type=int, default=2); ap.add_argument('--quick', action='store_true')
    a = ap.parse_args(); torch.set_num_threads(a.threads)
    from protloc.unet import ProteinUNet
    from protloc.predict import cpu_bf16
    nets = {'FiLM at every stage (default)': {}, 'FiLM at the last stage (--film_levels 1)': dict(film_levels=1)}
    reps, size = 1 if a.quick else 2, 1024
    peak = {d: matmul_peak(d) for d in (torch.float32, torch.bfloat16)}
    rows = []
    for net, kw in nets.items():
        m = ProteinUNet(20, 32, depth=4, wf=5, **kw).eval().to(memory_format=torch.channels_last)
        for bf16 in ([False, True] if cpu_bf16() else [False]):
            for n in (1, 10):
                ips = speed(m, size, n, bf16, reps if n == 1 else 1)
                gf = flops_per_image(m, size, n) * ips / 1e9
                pk = peak[torch.bfloat16 if bf16 else torch.float32]
                rows.append((f"{net}: {'bf16' if bf16 else 'fp32'}, {n} protein(s)/image", ips, n * ips, gf, pk))
    one = {r[0].split(',')[0]: r[1] for r in rows if ' 1 protein' in r[0]}
    ten = {r[0].split(',')[0]: r[1] for r in rows if ' 10 protein' in r[0]}
    rss = {s: peak_rss_mb(s, a.threads) for s in (1024, 4096)}
    sci = Path(__file__).parent/'.cache'/'science'
    cks = {k: sci/d/'last.pth' for k, d in (('the science bench regression (default, 40 epochs)', 'regression'),
                                            ('the science bench regression, FiLM at the last stage only', 'regression__FiLM_at_the_last_stage_only'))}
    cks = {k: v for k, v in cks.items() if v.is_file()} or {'a small U-Net (depth 4, wf 4) trained here for 8 epochs': None}
    fig = Path(__file__).parent.parent/'nbs'/'images'/'own_images.png'
    loc = {k: locality(a.threads, fig=fig if i == 0 else None, ckpt=v) for i, (k, v) in enumerate(cks.items())}
    print(f'protloc_predict on nucleus-only images, U-Net depth 4, wf 5, {a.threads} threads, {os.cpu_count()} CPUs, cpu_bf16={cpu_bf16()}\n')
    print('| case, 1024² | images/s | protein-images/s | GFLOP/s | matmul peak GFLOP/s (same dtype) |')
    print('|---|---|---|---|---|')
    for r in rows: print(f'| {r[0]} | {r[1]:.3f} | {r[2]:.3f} | {r[3]:.0f} | {r[4]:.0f} |')
    for k in ten: print(f'| {k}: cost of 10 proteins / cost of 1 | {one[k] / ten[k]:.2f}× (10× = no sharing) | | | |')
    for net in nets:
        if f'{net}: bf16' in one: print(f"| {net}: bf16 speed-up, 1 protein | {one[f'{net}: bf16'] / one[f'{net}: fp32']:.2f}× | | | |")
    print(f'| peak RSS, 1024² image | {rss[1024]:.0f} MB | | | |')
    print(f'| peak RSS, 4096² image (1024² tiles) | {rss[4096]:.0f} MB ({rss[4096] / rss[1024]:.2f}× the 1024² run) | | | |')
    for k, l in loc.items():
        c, n = l['cytoplasmic'], l['nucleoplasm']
        print(f'| {k}: cytoplasmic protein, share of signal > 60 px from any nucleus, predicted vs truth | {c[0]:.3f} vs {c[1]:.3f} (area {c[2]:.2f}) | | | |')
        print(f'| {k}: nucleoplasm protein, share of signal inside nuclei, predicted vs truth | {n[0]:.3f} vs {n[1]:.3f} (area {n[2]:.2f}) | | | |')

if __name__ == '__main__': main()

"""Peak memory of `protloc_predict --format ome-zarr` as the nucleus mosaic grows (issue 26). Writes a CSV.

A small untrained checkpoint (depth 3, wf 3: memory does not depend on the weights) paints two proteins onto square
nucleus mosaics (a synthetic 1024² field repeated; uncompressed uint16 ImageJ TIFFs at the model's 0.2 µm) with
1024² tiles. Each run is a fresh process; its peak RSS is `getrusage(RUSAGE_CHILDREN).ru_maxrss` of a wrapper that
runs only it. The TIFF route (a full-size P×H×W array) is measured next to it up to 4096² for comparison.

usage: python bench/omezarr.py [--sizes 1024 4096 16384] [--threads 2] [--out bench/omezarr/omezarr.csv]"""
import argparse, csv, subprocess, sys, tempfile, time
from pathlib import Path
import numpy as np, tifffile, torch

WRAP = ("import resource, subprocess, sys; r = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
        "print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, repr(r.stderr[-300:]))")

def small_checkpoint(path):
    from protloc.unet import ProteinUNet
    from protloc.dataset import NORM
    torch.manual_seed(0)
    cfg = dict(n_proteins=4, emb_dim=8, cond='film', up_mode='upsample', texture=0, depth=3, wf=3)
    m = ProteinUNet(**cfg).eval()
    torch.save(dict(format='protloc-checkpoint-1', kind='regression', config=cfg, model=m.state_dict(), theta=m.theta.weight.detach(),
                    proteins={f'P{i}': i for i in range(4)}, norm=dict(NORM), pixel_size=0.2, epoch=0, n_epoch=0, history=[]), path)

def mosaic(path, side, field):
    "An uncompressed side×side uint16 TIFF of repeated `field`s, written through a memory map (never whole in memory)."
    a = tifffile.memmap(path, shape=(side, side), dtype=np.uint16, imagej=True, resolution=(5, 5), metadata={'unit': 'um', 'axes': 'YX'})
    n = field.shape[0]
    for y in range(0, side, n): a[y:y + n] = np.tile(field, (1, side // n + 1))[:min(n, side - y), :side]
    a.flush(); del a

def run(ck, img_dir, out, fmt, threads):
    cmd = [sys.executable, '-c', WRAP, str(Path(sys.executable).parent/'protloc_predict'), '--model', str(ck), '--img_dir', str(img_dir),
           '--out_dir', str(out), '--as_protein', 'P0,P1', '--format', fmt, '--num_threads', str(threads), '--fp32']
    t = time.time(); rc, kb, err = subprocess.run(cmd, capture_output=True, text=True).stdout.split(' ', 2)
    if rc != '0': raise SystemExit(f'{fmt} failed: {err}')
    return int(kb) / 1024, time.time() - t

def main():
    ap = argparse.ArgumentParser(); ap.add_argument('--sizes', type=int, nargs='+', default=[1024, 4096, 16384])
    ap.add_argument('--tiff_max', type=int, default=4096); ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--out', default=str(Path(__file__).parent/'omezarr'/'omezarr.csv')); a = ap.parse_args()
    from protloc.synth import synth_fov, synth_protein_params
    tmp = Path(tempfile.mkdtemp()); ck = tmp/'small.pth'; small_checkpoint(ck)
    field = synth_fov(synth_protein_params(1), size=1024, dims=2)[0]   # one nucleus field, repeated
    rows = []
    for side in a.sizes:
        d = tmp/f'in{side}'; d.mkdir(); mosaic(d/'mosaic.tif', side, field)
        for fmt in ['ome-zarr', 'tiff']:
            if fmt == 'tiff' and side > a.tiff_max: continue
            mb, s = run(ck, d, tmp/f'out_{fmt}_{side}', fmt, a.threads)
            rows.append(dict(size=side, format=fmt, peak_rss_mb=round(mb), seconds=round(s, 1))); print(rows[-1], flush=True)
        (d/'mosaic.tif').unlink()
    base = next(r['peak_rss_mb'] for r in rows if r['format'] == 'ome-zarr' and r['size'] == a.sizes[0])
    for r in rows: r['vs_first_ome_zarr'] = round(r['peak_rss_mb'] / base, 3)
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    with open(a.out, 'w', newline='') as f: w = csv.DictWriter(f, list(rows[0])); w.writeheader(); w.writerows(rows)
    print(f'-> {a.out}')

if __name__ == '__main__': main()

"""Data-layer benchmark (issue: foundation): DataLoader throughput (crops/s) and peak RSS for a small and a
10x larger synthetic set, and how long DataLoaders take to build for OpenCell's scale (1300 proteins x 5 images
of 1024^2). Run: `python bench/data.py` (sets are cached in bench/.cache). Prints one Markdown table."""
import argparse, os, subprocess, sys, time, json
from pathlib import Path

CACHE = Path(__file__).parent/'.cache'

def make_set(name, n_proteins, n_images, size, procs=2, cache=CACHE):
    "Write (once) `write_synthetic`'s set (seed 0) under `cache`, `procs` processes at once; returns its folder and the seconds spent."
    from protloc.synth import write_synthetic, EMBEDDINGS_CSV
    out = Path(cache)/name
    if (out/EMBEDDINGS_CSV).exists(): return out, 0.   # `write_synthetic`'s last file: the set is whole
    t = time.time(); write_synthetic(out, n_proteins, n_images, size, workers=procs, dims=2)
    return out, time.time() - t

def linked_set(name, pool_dir, n_proteins, n_images):
    "OpenCell's scale without generating 6500 images: every file is a hard link to one of the pool's real TIFFs."
    from protloc.synth import synth_protein_params
    from protloc.data import fov_name
    out = CACHE/name
    if (out/'done').exists(): return out
    pool = sorted(pool_dir.glob('*/*.tif'))
    for i in range(n_proteins):
        p = synth_protein_params(i)
        d = out/f"{p['gene']}_{p['ensg']}"; d.mkdir(parents=True, exist_ok=True)
        for j in range(n_images):
            dst = d/fov_name(p['gene'], p['ensg'], i + 1, i * 100 + j)
            if not dst.exists(): os.link(pool[(i * n_images + j) % len(pool)], dst)
    (out/'done').write_text('')
    return out

def measure(img_dir, size, bs, workers, batches, check):
    "In a fresh process: build the DataLoaders, then draw `batches` training batches; times and peak RSS."
    code = f"""
import time, resource, json, tempfile
t0 = time.time()
from protloc.summary import prep
from protloc.dataset import protein_dls
t1 = time.time()
o = prep({str(img_dir)!r}, tempfile.mkdtemp(), check={check})
t2 = time.time()
dls = protein_dls({str(img_dir)!r}, o['img_list'], o['protein_list'], size={size}, bs={bs}, num_workers={workers}, crops_per_image=4)
t3 = time.time()
n, it = 0, iter(dls.train)
t4 = None
for k in range({batches} + 2):
    b = next(it, None)
    if b is None: break
    if k == 1: t4 = time.time()       # skip the first batches: worker start-up
    if k >= 2: n += len(b[0])
t5 = time.time()
print(json.dumps(dict(prep=t2-t1, build=t3-t2, crops_s=n/(t5-t4), n_imgs=len(dls.train_ds)+len(dls.valid_ds),
                      rss_mb=int(open('/proc/self/status').read().split('VmHWM:')[1].split()[0])/1024,  # ru_maxrss would carry the parent's peak across exec
                      child_rss_mb=resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss/1024)))
"""
    r = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True)
    if r.returncode: sys.exit(r.stderr)
    return json.loads(r.stdout.strip().splitlines()[-1])

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--size', type=int, default=600, help='image side of the small/large sets (OpenCell: 600)')
    ap.add_argument('--small', type=int, default=20, help='proteins in the small set (the large one has 10x)')
    ap.add_argument('--crop', type=int, default=256); ap.add_argument('--bs', type=int, default=16)
    ap.add_argument('--batches', type=int, default=40)
    ap.add_argument('--scale', default=None, help='N1,N2: only the peak RSS of building the DataLoaders and of one epoch '
                    '(1 worker) at N1 and N2 proteins x 4 fields (links to the small set), one JSON line (bench/speed.py reads it)')
    a = ap.parse_args()
    if a.scale:
        small, _ = make_set(f'small_{a.small}x4_{a.size}', a.small, 4, a.size)
        ds = {n: linked_set(f'linked_{n}x4_{a.size}', small, n, 4) for n in map(int, a.scale.split(','))}
        print(json.dumps({n: dict(build=measure(d, a.crop, a.bs, 1, 0, True), epoch=measure(d, a.crop, a.bs, 1, 10**9, True)) for n, d in ds.items()}))
        sys.exit()
    rows = []
    small, ts = make_set(f'small_{a.small}x4_{a.size}', a.small, 4, a.size)
    large, tl = make_set(f'large_{10*a.small}x4_{a.size}', 10 * a.small, 4, a.size)
    print(f'generated: small {ts:.0f}s, large {tl:.0f}s (0 = cached)', file=sys.stderr)
    for name, d in [('small', small), ('10x', large)]:
        for w in (0, 2):
            m = measure(d, a.crop, a.bs, w, a.batches, True)
            rows.append((f'{name} ({m["n_imgs"]} imgs {a.size}²)', w, m))
    pool, _ = make_set('pool_100_1024', 20, 5, 1024)
    big = linked_set('opencell_1300x5_1024', pool, 1300, 5)
    for check in (False, True):
        m = measure(big, a.crop, a.bs, 0, 10, check)
        rows.append((f'1300×5 1024² (prep check={check})', 0, m))
    print(f'| set | workers | prep s | DataLoaders build s | crops/s ({a.crop}², bs {a.bs}) | peak RSS main MB | peak RSS worker MB |')
    print('|---|---|---|---|---|---|---|')
    for name, w, m in rows:
        print(f"| {name} | {w} | {m['prep']:.2f} | {m['build']:.3f} | {m['crops_s']:.0f} | {m['rss_mb']:.0f} | {m['child_rss_mb']:.0f} |")

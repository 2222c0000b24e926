"""Every figure under `nbs/images/`, and the command that writes it. Run: `python bench/figures.py` writes the cheap
ones itself (seconds) and lists the benches that write the others (they train models: minutes to an hour on 2 cores).
`python bench/figures.py --check` fails if a PNG under nbs/images/ has no command here."""
import argparse, sys
from pathlib import Path

IMAGES = Path(__file__).parent.parent/'nbs'/'images'
BY_BENCH = {'results/*.png': 'python bench/results.py', 'science/unseen.png': 'python bench/unseen.py (after bench/science.py)',
            'science/othergen/*.png': 'python bench/science.py --generator othergen (on a GPU machine: --jobs 3)',
            'science/*.png': 'python bench/science.py (all but unseen.png)', 'own_images.png': 'python bench/predict.py',
            'plm/*.png': 'python bench/plm.py'}

def write_cheap():
    "The figures that need no training."
    import matplotlib; matplotlib.use('Agg')
    from protloc.synth import show_families
    show_families(path=IMAGES/'synthetic_families.png')
    return ['synthetic_families.png']

def unowned() -> list:
    "PNGs under nbs/images/ that no command here writes."
    owned = {p for pat in [*BY_BENCH, 'synthetic_families.png'] for p in IMAGES.glob(pat)}
    return sorted(str(p.relative_to(IMAGES)) for p in IMAGES.rglob('*.png') if p not in owned)

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__); ap.add_argument('--check', action='store_true')
    a = ap.parse_args()
    if (bad := unowned()): sys.exit(f'no command writes: {", ".join(bad)}')
    if a.check: print('every figure under nbs/images/ has its command'); sys.exit(0)
    print('wrote', ', '.join(write_cheap()))
    for pat, cmd in BY_BENCH.items(): print(f'{pat}: {cmd}')

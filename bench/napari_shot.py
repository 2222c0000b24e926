"""The napari plugin's screenshots for the docs: a synthetic nucleus field, the protloc dock widget, two proteins painted
(nbs/images/napari.png); with --zarr, a whole-slide OME-Zarr prediction opened through protloc's reader (its pyramid,
named channels, µm scale bar; nbs/images/napari_omezarr.png).
Needs the napari extra and a display (`xvfb-run -a python bench/napari_shot.py` on a headless machine) and a checkpoint
(default: the README's main job, runs/unet/last.pth). Writes nbs/images/napari.png."""
import argparse, time
from pathlib import Path
import numpy as np

HERE = Path(__file__).parent

def zarr_shot(a):
    "Open an OME-Zarr prediction through protloc's reader, show the scale bar, screenshot."
    import napari
    from protloc.viewer import napari_get_reader
    v = napari.Viewer(show=True, title='protloc OME-Zarr in napari'); v.window.resize(1100, 760)
    for data, meta, _ in napari_get_reader(str(a.zarr))(str(a.zarr)): v.add_image(data, **meta)
    v.scale_bar.visible = True; v.reset_view()
    from qtpy.QtWidgets import QApplication
    for _ in range(50): QApplication.instance().processEvents(); time.sleep(0.02)
    img = v.screenshot(canvas_only=False, flash=False)
    import imageio.v3 as iio
    out = a.out.with_name('napari_omezarr.png'); iio.imwrite(out, img); print(f'{len(v.layers)} layers, scale {v.layers[0].scale} -> {out}'); v.close()

def main(a):
    import napari
    from qtpy.QtWidgets import QApplication
    from protloc.checkpoint import load_checkpoint
    from protloc.viewer import PaintWidget, sample_field
    ck = load_checkpoint(a.model)
    v = napari.Viewer(show=True, title='protloc in napari'); v.window.resize(1300, 760)
    for data, meta, _ in sample_field(a.family, size=a.size): v.add_image(data, **meta)
    pw = PaintWidget(v); v.window.add_dock_widget(pw.ui, name='protloc: Paint proteins', area='right')
    pw.checkpoint.value = a.model
    names = a.proteins.split(',') if a.proteins else sorted(ck['proteins'])[:2]
    pw.proteins.value = ', '.join(names)
    worker, done = pw.run(), []
    worker.finished.connect(lambda: done.append(1))
    app, t = QApplication.instance(), time.time()
    while not done and time.time() - t < 300: app.processEvents(); time.sleep(0.02)
    v.reset_view()
    for _ in range(50): app.processEvents(); time.sleep(0.01)
    img = v.screenshot(canvas_only=False, flash=False)
    import imageio.v3 as iio
    a.out.parent.mkdir(parents=True, exist_ok=True); iio.imwrite(a.out, img)
    print(f'{pw.message.value}; {img.shape[1]}x{img.shape[0]} -> {a.out}')
    v.close()

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--model', default='runs/unet/last.pth'); ap.add_argument('--proteins', default=None)
    ap.add_argument('--family', default='er'); ap.add_argument('--size', type=int, default=256)
    ap.add_argument('--out', type=Path, default=HERE.parent/'nbs'/'images'/'napari.png')
    ap.add_argument('--zarr', type=Path, default=None, help='an .ome.zarr prediction to open instead')
    a = ap.parse_args(); zarr_shot(a) if a.zarr else main(a)

"""The docs site builder: a static nbdev-style site from the notebooks without Quarto, and the notebooks' outputs refreshed.

A development tool, not part of the installed package: `protloc_docs` (protloc.checkout) finds the checkout it is run
in and calls `main` here. nbs/08_docs.ipynb documents and tests every function of this file; edit it here."""
from __future__ import annotations
from protloc.core import ProtlocError
import base64, html, io, json, re, shutil
from pathlib import Path


_DIRECTIVE = re.compile(r'^\s*#\|\s?(.*)$')

def cell_directives(src:str) -> tuple:
    "A code cell's directives (name -> value, True for a bare word) and its source without the directive lines."
    dirs, keep = {}, []
    for line in src.splitlines():
        m = _DIRECTIVE.match(line)
        if not m: keep.append(line); continue
        d = m.group(1).strip()
        k, colon, v = d.partition(':')
        if colon and k.strip() and ' ' not in k.strip(): dirs[k.strip()] = v.strip().strip('"\'').lower()
        elif d: dirs[d.split()[0]] = ' '.join(d.split()[1:]) or True
    return dirs, '\n'.join(keep).strip('\n')

def cell_visibility(dirs:dict) -> tuple:
    "(show the source, show the outputs) under Quarto's `include`/`echo`/`output` and nbdev's `hide`."
    if dirs.get('include') == 'false' or 'hide' in dirs: return False, False
    return dirs.get('echo') != 'false', dirs.get('output') != 'false'

def heading_id(text:str) -> str:
    "Pandoc's heading id: tags and punctuation (but `_-.`) dropped, lower case, spaces to `-`, leading non-letters cut."
    t = html.unescape(re.sub(r'<[^>]+>', '', text)).lower()
    t = re.sub(r'\s+', '-', re.sub(r'[^\w\s.-]', '', t).strip())
    return re.sub(r'^[^a-z]+', '', t) or 'section'

def highlight_code(code:str, lang:str='python') -> str:
    "Code as HTML with Pygments' CSS classes (colours in the site's `pygments.css`)."
    from pygments import highlight
    from pygments.lexers import get_lexer_by_name
    from pygments.formatters import HtmlFormatter
    from pygments.util import ClassNotFound
    try: lexer = get_lexer_by_name(lang or 'text')
    except ClassNotFound: lexer = get_lexer_by_name('text')
    return highlight(code, lexer, HtmlFormatter(cssclass='highlight', wrapcode=True))

_ANSI = re.compile(r'\x1b\[[0-9;?]*[A-Za-z]')

def trim_stream(text:str, max_lines:int=30) -> str:
    "Console text without colour codes, each `\\r`-rewritten line (a progress bar) at its last state, long logs cut in the middle."
    end = '\n' if text.endswith('\n') else ''
    lines = [_ANSI.sub('', l.rstrip('\r').split('\r')[-1]) for l in text[:len(text) - len(end)].split('\n')]
    if len(lines) > max_lines:
        k = max_lines // 3
        lines = lines[:max_lines - k - 1] + [f'… ({len(lines) - max_lines + 1} lines cut)'] + lines[-k:]
    return '\n'.join(lines) + end

_NBDEV_ATTRS = re.compile(r'\{(?:target|\.|#)[^}\n]*\}')
_SRC_LINK = re.compile(r'\[source\]\(([^)\s]+)\)\{target="_blank"[^}\n]*\}')
_WIDGET = 'application/vnd.jupyter.widget-view+json'
_WIDGET_NOTE = '(an interactive widget: run this notebook in JupyterLab to use it)'

def _text(s) -> str: return s if isinstance(s, str) else ''.join(s)

def _markdown(toc:list, ids:set):
    "A mistune markdown-to-HTML function whose headings get unique Pandoc ids; h2/h3 are added to `toc`."
    import mistune
    class _Html(mistune.HTMLRenderer):
        def heading(self, text, level, **attrs):
            i = base = heading_id(text); n = 0
            while i in ids: n += 1; i = f'{base}-{n}'
            ids.add(i)
            if level in (2, 3): toc.append((level, i, re.sub(r'<[^>]+>', '', text)))
            return f'<h{level} id="{i}">{text}</h{level}>\n'
        def block_code(self, code, info=None): return highlight_code(code, (info or 'text').split()[0])
    render = mistune.create_markdown(renderer=_Html(escape=False), plugins=['table', 'strikethrough', 'url'])
    return lambda s: render(_NBDEV_ATTRS.sub('', _SRC_LINK.sub(r'<a class="source-link" href="\1">source</a>', s)))

def render_output(o:dict, md, fig_dir:Path, fig_name:str, asis:bool=False) -> str:
    "One cell output as HTML (`md`: the page's markdown renderer; `asis`: printed text is markdown); PNGs go to `fig_dir`."
    t, d = o.get('output_type'), o.get('data', {})
    if t == 'stream' and asis: return md(_text(o.get('text', '')))
    if t == 'stream':
        s = trim_stream(_text(o.get('text', '')))
        return f'<pre class="cell-output {o.get("name", "")}">{html.escape(s)}</pre>' if s.strip() else ''
    if t == 'error':
        tb = _ANSI.sub('', '\n'.join(o.get('traceback', [])))
        return f'<pre class="cell-output error">{html.escape(tb[-3000:])}</pre>'
    if _WIDGET in d or _text(d.get('text/plain', '')) == _WIDGET_NOTE: return f'<p class="widget-note">{_WIDGET_NOTE}</p>'
    if 'image/png' in d:
        fig_dir.mkdir(parents=True, exist_ok=True)
        (fig_dir/fig_name).write_bytes(base64.b64decode(_text(d['image/png'])))
        return f'<img class="figure" src="{fig_dir.name}/{fig_name}" alt="figure">'
    if 'image/svg+xml' in d: return _text(d['image/svg+xml'])
    if 'text/markdown' in d: return md(_text(d['text/markdown']))
    if 'text/html' in d: return f'<div class="cell-output html">{_text(d["text/html"])}</div>'
    if 'text/plain' in d: return f'<pre class="cell-output">{html.escape(trim_stream(_text(d["text/plain"])))}</pre>'
    return ''

def render_nb(nb_path, # a notebook as nbdev's processing wrote it (`process_nbs`)
              fig_dir) -> dict: # where its figures go (`figs/` of the site)
    "A processed notebook as the parts of a page: page, title, subtitle, body HTML, sections [(level, id, text)]."
    import yaml
    nb, toc, ids, body = json.loads(Path(nb_path).read_text()), [], set(), []
    md, stem = _markdown(toc, ids), _page_name(Path(nb_path))[:-5]
    fm = {}
    for i, c in enumerate(nb['cells']):
        src = _text(c.get('source', ''))
        if c['cell_type'] == 'raw':
            if src.startswith('---'): fm.update(yaml.safe_load(src.strip().strip('-')) or {})
            continue
        if c['cell_type'] == 'markdown':
            if not src.startswith('<!-- WARNING'): body.append(md(src))
            continue
        dirs, code = cell_directives(src)
        show_src, show_out = cell_visibility(dirs)
        if show_src and code.strip(): body.append(f'<div class="cell-code">{highlight_code(code)}</div>')
        outs = [render_output(o, md, Path(fig_dir), f'{stem}-{i}-{j}.png', dirs.get('output') == 'asis')
                for j, o in enumerate(c.get('outputs', []) if show_out else [])]
        outs = [o for o in outs if o]
        if outs:
            cls = 'api' if re.match(r'\s*show_doc\(', code) else 'cell-outputs'
            h = ''.join(outs)
            if cls == 'api': h = re.sub(r'<h([1-6]) id="([^"]*)">', r'<h\1 id="\2" class="api-name">', h)
            body.append(f'<div class="{cls}">{h}</div>')
    title = str(fm.get('title') or stem)
    sub = re.sub(r'^<p>|</p>\s*$', '', md(str(fm.get('description', ''))).strip()) if fm.get('description') else ''
    return dict(page=_page_name(Path(nb_path)), title=title, subtitle=sub, body='\n'.join(body), toc=toc)

def _page_name(nb:Path) -> str:
    "nbdev's page name: `03_train.ipynb` -> `train.html`, `index.ipynb` -> `index.html`."
    return re.sub(r'^\d+[a-z]?_', '', nb.stem) + '.html'

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} – {site}</title><meta name="description" content="{desc}">
<link rel="icon" href="data:,"><link rel="stylesheet" href="site.css"><link rel="stylesheet" href="pygments.css"><script src="search.js" defer></script>
</head><body>
<header class="navbar"><a class="brand" href="index.html">{site}</a>
<div class="search"><input id="search" type="search" placeholder="Search (press /)" aria-label="Search" autocomplete="off">
<div id="search-results" hidden></div></div><a class="repo" href="{repo}">GitHub</a></header>
<div class="layout"><nav class="sidebar" aria-label="pages"><ul>{sidebar}</ul></nav>
<main class="content"><header class="title-block"><h1 class="title">{title}</h1>{subtitle}</header>
{body}
<nav class="page-nav" aria-label="previous and next">{prev}{next}</nav></main></div>
</body></html>
"""

def _layout(pages:list, i:int, site:str, repo:str) -> str:
    "Page `i` of `pages` (from `render_nb`) in the site's frame."
    p, side = pages[i], []
    for j, q in enumerate(pages):
        side.append(f'<li><a href="{q["page"]}"{" class=active" if j == i else ""}>{html.escape(q["title"])}</a>')
        if j == i and q['toc']:
            side.append('<ul class="sections">' + ''.join(f'<li class="l{l}"><a href="#{a}">{t}</a></li>' for l, a, t in q['toc']) + '</ul>')
        side.append('</li>')
    link = lambda k, q, cls: f'<a class="{cls}" href="{q["page"]}"><small>{k}</small>{html.escape(q["title"])}</a>'
    return _PAGE.format(title=html.escape(p['title']), site=html.escape(site), repo=html.escape(repo),
                        desc=html.escape(re.sub(r'<[^>]+>', '', p['subtitle'])), sidebar=''.join(side), body=p['body'],
                        subtitle=f'<p class="subtitle">{p["subtitle"]}</p>' if p['subtitle'] else '',
                        prev=link('Previous', pages[i - 1], 'prev') if i > 0 else '<span></span>',
                        next=link('Next', pages[i + 1], 'next') if i + 1 < len(pages) else '<span></span>')

def search_entries(p:dict) -> list:
    "Search-index entries of a page from `render_nb`: the page, each heading (kind `api` for API entries) and its text."
    inline = re.compile(r'</?(?:span|code|a|b|em|strong|i|small)\b[^>]*>')   # joined without a space
    plain = lambda s: re.sub(r'\s+', ' ', html.unescape(re.sub(r'<[^>]+>', ' ', inline.sub('', s)))).strip()
    out = [dict(p=p['page'], t=p['title'], s=p['title'], a='', k='page', x=plain(p['subtitle']))]
    for chunk in re.split(r'(<h[1-4] id="[^"]*"[^>]*>.*?</h[1-4]>)', p['body'], flags=re.S):
        m = re.match(r'<h([1-4]) id="([^"]*)"([^>]*)>(.*?)</h\1>', chunk, flags=re.S)
        if m: out.append(dict(p=p['page'], t=p['title'], s=plain(m[4]), a=m[2], k='api' if 'api-name' in m[3] else 'section', x=''))
        else: out[-1]['x'] = (out[-1]['x'] + ' ' + plain(chunk)).strip()[:1500]
    return out

SEARCH_JS = r"""(() => {
  const box = document.getElementById('search'), res = document.getElementById('search-results');
  let idx = null;
  const load = () => idx ? Promise.resolve(idx) : fetch('search.json').then(r => r.json()).then(d => (idx = d));
  const esc = s => s.replace(/[&<>"]/g, c => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;'}[c]));
  function score(e, terms) {
    const s = e.s.toLowerCase(), t = e.t.toLowerCase(), x = e.x.toLowerCase(), api = e.k === 'api'; let n = 0;
    for (const q of terms) {
      if (s === q) n += api ? 100 : 50; else if (s.includes(q)) n += api ? 30 : 20;
      else if (t.includes(q)) n += 5; else if (x.includes(q)) n += 1; else return 0;
    }
    return n;
  }
  function show(q) {
    const terms = q.toLowerCase().split(/\s+/).filter(Boolean);
    if (!terms.length) { res.hidden = true; return; }
    load().then(d => {
      const hits = d.map(e => [score(e, terms), e]).filter(h => h[0] > 0).sort((a, b) => b[0] - a[0]).slice(0, 12);
      res.innerHTML = hits.length ? hits.map(([, e]) => {
        const i = Math.max(0, e.x.toLowerCase().indexOf(terms[0]) - 40), snip = e.x.slice(i, i + 120);
        return `<a class="hit ${e.k}" href="${e.p}${e.a ? '#' + e.a : ''}"><b>${esc(e.s)}</b> <span>${esc(e.t)}</span>` +
               `<small>${esc(snip)}</small></a>`;
      }).join('') : '<div class="none">No results</div>';
      res.hidden = false;
    });
  }
  box.addEventListener('input', () => show(box.value));
  box.addEventListener('keydown', ev => {
    if (ev.key === 'Enter') { const a = res.querySelector('a'); if (a) location.href = a.href; }
    if (ev.key === 'Escape') res.hidden = true;
  });
  document.addEventListener('click', ev => { if (!ev.target.closest('.search')) res.hidden = true; });
  document.addEventListener('keydown', ev => { if (ev.key === '/' && document.activeElement !== box) { ev.preventDefault(); box.focus(); } });
  const q = new URLSearchParams(location.search).get('q'); if (q) { box.value = q; show(q); }
})();
"""

SITE_CSS = """
:root { --primary: #2780e3; --muted: #6c757d; --border: #dee2e6; --code-bg: #f8f9fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #212529; }
a { color: var(--primary); text-decoration: none; } a:hover { text-decoration: underline; }
code, pre { font-family: SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: .875em; }
.navbar { position: sticky; top: 0; z-index: 10; display: flex; align-items: center; gap: 1.5rem; height: 56px;
  padding: 0 1.5rem; background: var(--primary); color: #fff; }
.navbar a { color: #fff; } .brand { font-size: 1.25rem; font-weight: 600; } .repo { margin-left: auto; }
.search { position: relative; } #search { width: 300px; padding: .35rem .7rem; border: 0; border-radius: .3rem; font-size: .95rem; }
#search-results { position: absolute; top: 2.4rem; left: 0; width: 480px; max-height: 70vh; overflow: auto; background: #fff;
  border: 1px solid var(--border); border-radius: .3rem; box-shadow: 0 .5rem 1rem rgba(0,0,0,.15); }
#search-results a { display: block; line-height: 1.35; padding: .45rem .8rem; color: #212529; border-bottom: 1px solid var(--border); }
#search-results a:hover { background: #e9f2fc; text-decoration: none; } #search-results b { color: var(--primary); }
#search-results .api b { font-family: monospace; } #search-results span { color: var(--muted); font-size: .8rem; }
#search-results small { display: block; color: var(--muted); font-size: .78rem; } #search-results .none { padding: .6rem; color: var(--muted); }
"""

SITE_CSS += """
.layout { display: flex; max-width: 1400px; margin: 0 auto; }
.sidebar { flex: 0 0 260px; position: sticky; top: 56px; height: calc(100vh - 56px); overflow: auto; padding: 1.5rem 1rem;
  border-right: 1px solid var(--border); font-size: .92rem; }
.sidebar ul { list-style: none; margin: 0; padding: 0; } .sidebar li { margin: .15rem 0; }
.sidebar a { color: #343a40; display: block; padding: .1rem .5rem; border-radius: .25rem; }
.sidebar a.active { color: var(--primary); font-weight: 600; background: #e9f2fc; }
.sidebar .sections { margin: .2rem 0 .5rem .6rem; border-left: 1px solid var(--border); font-size: .85rem; }
.sidebar .sections .l3 { padding-left: .8rem; } .sidebar .sections a { color: var(--muted); }
.content { flex: 1; min-width: 0; max-width: 980px; padding: 1.5rem 2.5rem 4rem; }
.title-block { margin-bottom: 1.5rem; padding-bottom: 1rem; border-bottom: 1px solid var(--border); }
h1.title { font-size: 2.4rem; margin: .5rem 0 .3rem; } .subtitle { font-size: 1.2rem; color: var(--muted); margin: 0; }
h2 { margin-top: 2.2rem; padding-bottom: .3rem; border-bottom: 1px solid var(--border); } h2, h3, h4 { scroll-margin-top: 70px; }
.cell-code .highlight, .content pre { background: var(--code-bg); border-left: 3px solid #c7d7ee; padding: .6rem .9rem; overflow-x: auto; margin: .8rem 0 .3rem; }
.highlight pre { margin: 0; padding: 0; border: 0; background: none; }
.content pre.cell-output { background: #fff; border-left: 3px solid #eee; margin: 0 0 .8rem; max-height: 30rem; }
pre.error { color: #b02a37; } p code, li code, td code { background: var(--code-bg); padding: .1rem .3rem; border-radius: .2rem; color: #9a2d65; }
img { max-width: 100%; height: auto; } img.figure { display: block; margin: .5rem 0 1rem; }
table { border-collapse: collapse; margin: 1rem 0; font-size: .9rem; } th, td { border: 1px solid var(--border); padding: .3rem .6rem; }
th { background: var(--code-bg); }
.cell-output.html, .content .api { overflow-x: auto; } .content table { display: block; max-width: 100%; overflow-x: auto; }
.content .api { margin: 1.2rem 0; } .api hr { border: 0; border-top: 1px solid var(--border); }
.api h3, .api h4 { font-family: SFMono-Regular, Menlo, Consolas, monospace; margin: .6rem 0 .4rem; }
.source-link { float: right; font-size: .8rem; } .widget-note { color: var(--muted); font-style: italic; }
.page-nav { display: flex; justify-content: space-between; margin-top: 3rem; padding-top: 1rem; border-top: 1px solid var(--border); }
.page-nav a { display: block; padding: .5rem 1rem; border: 1px solid var(--border); border-radius: .3rem; }
.page-nav small { display: block; color: var(--muted); } .page-nav .next { text-align: right; }
@media (max-width: 900px) { .sidebar { display: none; } .content { padding: 1rem; } #search { width: 180px; } }
"""

def process_nbs(src, # notebooks folder
                dest): # where the processed notebooks and the other files go (created)
    "nbdev's docs processing (what `proc_nbs` writes to `_proc/`) of every notebook in `src`, into a folder of our own."
    import os
    from nbdev.processors import FilterDefaults
    from nbdev.serve_drv import exec_nb
    src, dest = Path(src), Path(dest)
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns('.*', '_proc', '_docs', '_site*', '_executed', '*.ipynb'))
    in_test = os.environ.get('IN_TEST')
    os.environ['IN_TEST'] = '1'   # as nbdev's own processing
    try:
        for nb in sorted(src.glob('*.ipynb')): exec_nb(nb, dest/nb.name, FilterDefaults)
    finally:
        if in_test is None: os.environ.pop('IN_TEST', None)
        else: os.environ['IN_TEST'] = in_test
    return dest

def build_docs(out='_site', # where the site goes
               nbs_path=None, # notebooks (default: nbs_path of settings.ini)
               execute:bool=False): # run a copy of each notebook first (as long as the tests), so every figure is in
    "Build a static nbdev-style HTML site from the notebooks without Quarto. Returns the page paths."
    from nbdev.config import get_config
    from pygments.formatters import HtmlFormatter
    out = Path(out); tmp = out.with_name(out.name + '.tmp')
    if out.exists() and not out.is_dir(): raise ProtlocError(f'{out}: exists and is not a folder (--out is the site folder)')
    cfg = get_config(); src = Path(nbs_path or cfg.nbs_path)
    shutil.rmtree(tmp, ignore_errors=True); tmp.mkdir(parents=True)
    if execute:
        shutil.copytree(src, tmp/'_executed', ignore=shutil.ignore_patterns('_*', '.*')); src = tmp/'_executed'
        execute_nbs(src)
    proc = process_nbs(src, tmp/'_proc')
    nbs = sorted(proc.glob('*.ipynb'), key=lambda p: (p.stem != 'index', p.stem))
    pages = [render_nb(nb, tmp/'figs') for nb in nbs]
    base = f"{cfg.doc_host.rstrip('/')}{cfg.doc_baseurl.rstrip('/')}/"
    for p in pages:
        b = p['body'].replace(base, '')                                                   # nbdev's absolute doc links
        p['body'] = re.sub(r'href="(?:\d+[a-z]?_)?([\w-]+)\.ipynb', r'href="\1.html', b)  # links between notebooks
    for i, p in enumerate(pages): (tmp/p['page']).write_text(_layout(pages, i, cfg.title, cfg.git_url))
    (tmp/'search.json').write_text(json.dumps([e for p in pages for e in search_entries(p)], ensure_ascii=False))
    (tmp/'search.js').write_text(SEARCH_JS); (tmp/'site.css').write_text(SITE_CSS)
    (tmp/'pygments.css').write_text(HtmlFormatter(style='default').get_style_defs('.highlight'))
    if (proc/'images').is_dir(): shutil.copytree(proc/'images', tmp/'images')
    for d in ('_executed', '_proc'): shutil.rmtree(tmp/d, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True); tmp.rename(out)   # replace the old site only when the new one is complete
    return [out/p['page'] for p in pages]

def trim_outputs(cell:dict, max_width:int=900, max_lines:int=30):
    "Make a cell's outputs fit a repository: PNGs at most `max_width` px wide, text trimmed, widgets as a note."
    from PIL import Image
    for o in cell.get('outputs', []):
        if o.get('output_type') == 'stream': o['text'] = trim_stream(_text(o['text']), max_lines).splitlines(True)
        d = o.get('data', {})
        if _WIDGET in d: o['data'] = {'text/plain': _WIDGET_NOTE}; continue
        if 'text/plain' in d and len(d) == 1: d['text/plain'] = trim_stream(_text(d['text/plain']), max_lines).splitlines(True)
        if 'image/png' in d:
            im = Image.open(io.BytesIO(base64.b64decode(_text(d['image/png']))))
            if im.width > max_width: im = im.resize((max_width, round(im.height * max_width / im.width)), Image.LANCZOS)
            buf = io.BytesIO(); im.save(buf, 'PNG', optimize=True)
            d['image/png'] = base64.b64encode(buf.getvalue()).decode()
            o.get('metadata', {}).pop('image/png', None)

def _run_nb(nb, flags, dpi:int=70, max_width:int=900):
    "Run one notebook in place (in its folder) and keep its trimmed outputs."
    import os
    from execnb.nbio import read_nb, write_nb
    from execnb.shell import CaptureShell
    from fastcore.xtras import working_directory
    os.environ['IN_TEST'] = '1'   # as nbdev_test
    nb, flags = Path(nb), set(flags)
    d = read_nb(nb)
    def skip(c):
        if c.cell_type != 'code' or 'nbdev_export' + '(' in c.source: return True   # as nbdev_test (split: so does it)
        dirs = cell_directives(c.source)[0]
        words = set(dirs) | {w for v in dirs.values() if isinstance(v, str) for w in v.split()}
        return dirs.get('eval') == 'false' or bool(flags & words)
    k = CaptureShell(nb, mpl_format='png')
    k.run_cell(f'%matplotlib inline\nimport matplotlib as _mpl; _mpl.rcParams["figure.dpi"] = {dpi}')
    with working_directory(nb.parent):
        try: k.run_all(d, exc_stop=True, preproc=skip)
        except Exception as e: raise ProtlocError(f'{nb.name}: {type(e).__name__}: {e}') from e
    for c in d.cells: trim_outputs(c, max_width)
    write_nb(d, nb)

def execute_nbs(path=None, # notebooks folder, run in place (default: nbs_path of settings.ini)
                files:list|None=None, # only these notebook names (default: every notebook)
                dpi:int=70, # figure resolution of the saved PNGs
                max_width:int=900, # wider PNGs are scaled down to this many pixels
                n_workers:int=2): # notebooks run at once, each in its own process (0: one by one in this process)
    "Run notebooks in place as `nbdev_test` does and keep their outputs, trimmed for the repository. Returns the paths."
    import subprocess, sys, time
    from fastcore.parallel import parallel
    from nbdev.config import get_config
    from nbdev.clean import nbdev_clean
    cfg = get_config(); path = Path(path or cfg.nbs_path)
    nbs = [path/f for f in files] if files else sorted(p for p in path.glob('*.ipynb') if not p.name.startswith('_'))
    args = (sorted(cfg.get('tst_flags', 'notest').split()), dpi, max_width)
    if n_workers == 0:
        for nb in nbs: _run_nb(nb, *args)
    else:
        def run(nb):
            t0 = time.time(); code = f'import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); from docsite import _run_nb; _run_nb({str(nb)!r}, *{args!r})'
            r = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True)
            print(f'{nb.name}: {"ok" if r.returncode == 0 else "FAILED"} in {time.time() - t0:.0f} s', flush=True)
            return (r.stderr.strip().splitlines() or ['?'])[-1] if r.returncode else None
        failed = [f'{nb.name} ({e})' for nb, e in zip(nbs, parallel(run, nbs, n_workers=n_workers, threadpool=True)) if e]
        if failed: raise ProtlocError('notebooks failed (the others kept their new outputs): ' + '; '.join(failed))
    for nb in nbs: nbdev_clean(fname=str(nb))
    return nbs

def main(out:str='_site', # where the site goes
              execute:bool=False, # run copies of the notebooks first, so every figure is in the pages
              save_outputs:bool=False): # run the notebooks in place and keep their outputs (commit them), then build
    "What `protloc_docs` does: build the site (with `save_outputs`, first run the notebooks in place and keep their outputs)."
    if save_outputs:
        nbs = execute_nbs()
        print(f'{len(nbs)} notebooks run, outputs kept: ' + ', '.join(p.name for p in nbs))
    pages = build_docs(out, execute=execute and not save_outputs)
    print(f'{len(pages)} pages in {out}: ' + ', '.join(p.name for p in pages) + f'; serve with `python -m http.server -d {out}`')

def check_site(site) -> dict:
    "Missing API entries and broken relative links of a built site: dict(missing=[...], broken=[...], pages=n)."
    import importlib, inspect
    from protloc import _modidx
    site = Path(site)
    pages = {p.name: p.read_text() for p in site.glob('*.html')}
    ids = {k: set(re.findall(r'\bid="([^"]+)"', v)) for k, v in pages.items()}
    text = ' '.join(pages.values())
    missing = []
    for mod in sorted({k.split('.')[1] for k in _modidx.d['syms']}):
        for name in getattr(importlib.import_module(f'protloc.{mod}'), '__all__', []):
            obj = getattr(importlib.import_module(f'protloc.{mod}'), name)
            if name.startswith('_') or not (inspect.isfunction(obj) or inspect.isclass(obj)): continue  # functions and classes
            if not re.search(rf'<h[34][^>]*>\s*{re.escape(name)}\b', text): missing.append(f'{mod}.{name}')
    broken = []
    for page, src in pages.items():
        for href in re.findall(r'<(?:a|img|link|script)\b[^>]*?\s(?:href|src)="([^"]+)"', src):   # in tags, not in code text
            href = html.unescape(href)
            if re.match(r'^(https?:|mailto:|data:|javascript:)', href) or href.startswith('//'): continue
            f, _, anchor = href.partition('#')
            target = page if not f else f
            if f and not (site/f).exists(): broken.append(f'{page}: {href}'); continue
            if anchor and target.endswith('.html') and anchor not in ids.get(target, set()): broken.append(f'{page}: {href}')
    return dict(missing=missing, broken=broken, pages=len(pages))

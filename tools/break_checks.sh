#!/usr/bin/env bash
# Break the library on purpose, in scratch copies of HEAD, and show that the CI-scale checks of nbs/06_results.ipynb
# catch each break (issue 24): a generator that ignores theta, a GAN that paints noise, a regression blind to the
# protein. Run from the repository with its venv active: `bash tools/break_checks.sh`; each line must say "exit 1".
set -u
repo=$(git rev-parse --show-toplevel); logs=$(mktemp -d)
for kind in ignore_theta noise_gan blind_regression; do
  d=$(mktemp -d)
  cd "$repo" && git archive HEAD | tar -x -C $d
  cd $d
  case $kind in
    ignore_theta) python3 - <<'PY'
p='protloc/pix2pix.py'; s=open(p).read()
s=s.replace("def pix2pix_generator(theta", "def pix2pix_generator_ok(theta",1)
s+="\ndef pix2pix_generator(theta, *a, **k):\n    g = pix2pix_generator_ok(theta, *a, **k)\n    f = g.forward\n    g.forward = lambda x, pid, *r, **kw: f(x, pid * 0, *r, **kw)   # BROKEN: every protein painted as protein 0\n    return g\n"
open(p,'w').write(s)
PY
    ;;
    noise_gan) python3 - <<'PY'
p='protloc/pix2pix.py'; s=open(p).read()
s=s.replace("def pix2pix_generator(theta", "def pix2pix_generator_ok(theta",1)
s+="\ndef pix2pix_generator(theta, *a, **k):\n    g = pix2pix_generator_ok(theta, *a, **k)\n    f = g.forward\n    g.forward = lambda x, pid, *r, **kw: torch.rand_like(f(x, pid, *r, **kw)) + 0 * f(x, pid, *r, **kw)   # BROKEN: noise\n    return g\n"
open(p,'w').write(s)
PY
    ;;
    blind_regression) python3 - <<'PY'
p='protloc/train.py'; s=open(p).read()
s=s.replace("def regression_learner(", "def regression_learner_ok(",1)
s+="\ndef regression_learner(*a, **k):\n    l = regression_learner_ok(*a, **k)\n    f = l.model.forward\n    l.model.forward = lambda x, pid, *r, **kw: f(x, pid * 0, *r, **kw)   # BROKEN: the protein is ignored\n    return l\n"
open(p,'w').write(s)
PY
    ;;
  esac
  PYTHONPATH=$d nbdev_test --path nbs/06_results.ipynb > $logs/$kind.log 2>&1
  echo "$kind: exit $? ; $(grep -m1 -A0 'AssertionError\|Error' $logs/$kind.log)"
  grep -B2 "AssertionError" $logs/$kind.log | grep "assert" | head -2
done

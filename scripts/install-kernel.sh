#!/bin/sh
# Installs the Jupyter kernelspec "fedomop-deno" ("TypeScript (fedomop)"): Deno's own Jupyter kernel,
# started so that `import { connect } from "fedomop"` works in a notebook in any directory.
#
# Why not plain `deno jupyter --install`: `deno jupyter --kernel` has no --config flag and reads
# deno.json from its working directory, which Jupyter sets to the notebook's directory. So the
# kernelspec starts Deno in this checkout (whose deno.json maps "fedomop" to lib/kernel/index.js and
# resolves apache-arrow and danfojs from node_modules, with no network) and hands the notebook's
# directory over in FEDOMOP_NOTEBOOK_DIR; importing fedomop changes back to it (src/kernel/notebook-cwd.ts).
#
# Where it goes, like `jupyter kernelspec install`:
#   --user            $JUPYTER_DATA_DIR/kernels, else the per-user data dir (default)
#   --sys-prefix      <python sys.prefix>/share/jupyter/kernels: the active venv's Jupyter ($PYTHON or python3)
#   --prefix DIR      DIR/share/jupyter/kernels (e.g. --prefix "$VIRTUAL_ENV")
#   --name N, --display-name D    override "fedomop-deno" / "TypeScript (fedomop)"
#   --uninstall       remove the kernelspec from the chosen place
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
NAME=fedomop-deno
DISPLAY_NAME="TypeScript (fedomop)"
MODE=user
PREFIX=
UNINSTALL=0

usage() { sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }

while [ $# -gt 0 ]; do
  case "$1" in
    --user) MODE=user ;;
    --sys-prefix) MODE=sys-prefix ;;
    --prefix) MODE=prefix; PREFIX=${2:?--prefix needs a directory}; shift ;;
    --prefix=*) MODE=prefix; PREFIX=${1#--prefix=} ;;
    --name) NAME=${2:?--name needs a value}; shift ;;
    --name=*) NAME=${1#--name=} ;;
    --display-name) DISPLAY_NAME=${2:?--display-name needs a value}; shift ;;
    --display-name=*) DISPLAY_NAME=${1#--display-name=} ;;
    --uninstall) UNINSTALL=1 ;;
    -h|--help) usage 0 ;;
    *) echo "install-kernel: unknown option $1" >&2; usage 2 >&2 ;;
  esac
  shift
done

case "$MODE" in
  user)
    if [ -n "${JUPYTER_DATA_DIR:-}" ]; then DATA_DIR=$JUPYTER_DATA_DIR
    elif [ "$(uname -s)" = Darwin ]; then DATA_DIR="$HOME/Library/Jupyter"
    else DATA_DIR="${XDG_DATA_HOME:-$HOME/.local/share}/jupyter"
    fi ;;
  sys-prefix) DATA_DIR="$("${PYTHON:-python3}" -c 'import sys; print(sys.prefix)')/share/jupyter" ;;
  prefix) DATA_DIR="$PREFIX/share/jupyter" ;;
esac
SPEC_DIR="$DATA_DIR/kernels/$NAME"

if [ "$UNINSTALL" = 1 ]; then
  rm -rf "$SPEC_DIR"
  echo "removed kernelspec $NAME from $SPEC_DIR"
  exit 0
fi

# The real binary (node_modules/.bin/deno is a symlink to it), so the kernel does not depend on PATH.
DENO=$(readlink -f "$ROOT/node_modules/.bin/deno" 2>/dev/null || true)
if [ -z "$DENO" ] || [ ! -x "$DENO" ]; then
  echo "install-kernel: no Deno binary in $ROOT/node_modules (run npm install)" >&2
  exit 1
fi
[ -f "$ROOT/deno.json" ] || { echo "install-kernel: $ROOT/deno.json is missing" >&2; exit 1; }
[ -f "$ROOT/lib/kernel/index.js" ] || echo "install-kernel: warning: lib/kernel/index.js not built yet (npm run build)" >&2

mkdir -p "$SPEC_DIR"

# Deno's logos for the launcher: let Deno write its own kernelspec into a scratch directory (the
# DENO_TEST_JUPYTER_PATH hook chooses the directory) and keep only the images. Cosmetic: skipped on failure.
SCRATCH=$(mktemp -d)
if DENO_TEST_JUPYTER_PATH="$SCRATCH" DENO_NO_UPDATE_CHECKS=1 "$DENO" jupyter --install --name logos >/dev/null 2>&1; then
  cp "$SCRATCH"/kernels/logos/logo-* "$SPEC_DIR"/ 2>/dev/null || true
fi
rm -rf "$SCRATCH"

# JSON string escaping for the few values we interpolate (paths and the display name).
json() { printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g'; }

# argv: sh records the notebook directory Jupyter started us in, moves to the checkout so Deno finds
# its deno.json, then becomes the Deno kernel ($1 is the connection file Jupyter substitutes).
cat >"$SPEC_DIR/kernel.json" <<EOF
{
  "argv": [
    "/bin/sh",
    "-c",
    "FEDOMOP_NOTEBOOK_DIR=\"\$PWD\"; export FEDOMOP_NOTEBOOK_DIR; cd \"\$FEDOMOP_ROOT\" && exec \"\$FEDOMOP_DENO\" jupyter --kernel --conn \"\$1\"",
    "$NAME",
    "{connection_file}"
  ],
  "env": {
    "FEDOMOP_ROOT": "$(json "$ROOT")",
    "FEDOMOP_DENO": "$(json "$DENO")",
    "DENO_NO_UPDATE_CHECKS": "1"
  },
  "display_name": "$(json "$DISPLAY_NAME")",
  "language": "typescript",
  "interrupt_mode": "signal",
  "metadata": { "fedomop": { "root": "$(json "$ROOT")" } }
}
EOF
echo "installed kernelspec $NAME (\"$DISPLAY_NAME\") in $SPEC_DIR"

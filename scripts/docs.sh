#!/usr/bin/env bash
# Build the HTML docs into .build/docs/html: the module and role reference, made by antsibull-docs
# from DOCUMENTATION and meta/argument_specs.yml, and the guides in docs/*.md (MyST).
# Fails on any lint error or Sphinx warning. Needs the collection installed (make collection).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/.build/docs

antsibull-docs lint-collection-docs --plugin-docs --validate-collection-refs self "$root"

rm -rf "$out"
mkdir -p "$out"
antsibull-docs sphinx-init --use-current --dest-dir "$out" hypercloud.builder >/dev/null
cd "$out"
mkdir -p rst
chmod og-w rst
antsibull-docs --config-file antsibull-docs.cfg collection --cleanup everything --use-current \
  --dest-dir rst hypercloud.builder

mkdir -p rst/guides
cp "$root"/docs/*.md rst/guides/
cat > rst/guides/index.rst <<'RST'
Guides
======

.. toctree::
   :maxdepth: 1
   :glob:

   *
RST
cat >> rst/index.rst <<'RST'

.. toctree::
   :maxdepth: 2
   :caption: Guides:

   guides/index
RST
printf '\nextensions.append("myst_parser")\nmyst_heading_anchors = 3\n' >> conf.py
sphinx-build -q -W --keep-going -b html rst html -c .
echo "docs: built $out/html/index.html"

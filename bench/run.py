# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""`make bench`: run every bench/*_bench.py in turn; each prints ratios measured side by side."""

from __future__ import annotations

import glob
import os
import runpy
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def main() -> int:
    wanted = sys.argv[1:]
    for path in sorted(glob.glob(os.path.join(HERE, "*_bench.py"))):
        name = os.path.basename(path)[:-len("_bench.py")]
        if wanted and name not in wanted:
            continue
        print("== %s" % name, flush=True)
        runpy.run_path(path, run_name="__main__")
    return 0


if __name__ == "__main__":
    sys.exit(main())

# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Read and write whole text files: atomic rename, optional dot-file backup, explicit mode."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from typing import Optional

from ansible_collections.hypercloud.builder.plugins.module_utils._adapters.errors import AdapterError


def read(path: str) -> Optional[str]:
    """The file's text, or None when it does not exist."""
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except FileNotFoundError:
        return None
    except OSError as err:
        raise AdapterError("cannot read %s: %s" % (path, err)) from err
    except UnicodeDecodeError as err:
        raise AdapterError("cannot read %s: it is not UTF-8 text (byte %d: %s)" % (path, err.start, err.reason)) from None


def backup_path(path: str) -> str:
    """``.NAME.<time>.bak`` beside ``path``, or ``.NAME.<time>.N.bak`` when a backup made in the same
    second exists: it holds an earlier content, which the new backup must not replace."""
    directory, name = os.path.split(path)
    stem = os.path.join(directory, ".%s.%s" % (name, time.strftime("%Y%m%dT%H%M%S")))
    candidate, count = stem + ".bak", 0
    while os.path.lexists(candidate):
        count += 1
        candidate = "%s.%d.bak" % (stem, count)
    return candidate


def write(path: str, text: str, mode: int = 0o644, backup: bool = True) -> Optional[str]:
    """Write atomically (temporary file in the same directory, created with ``mode``, then rename).

    The backup, when asked for and the file exists, is ``.NAME.<time>.bak`` beside it: a dot file,
    so that readers of ``grub.d/*.cfg``-style directories do not load it. A symbolic link is followed:
    the file it points to is written (and backed up), and the link stays a link.
    """
    path = os.path.realpath(path)
    directory = os.path.dirname(path) or "."
    saved = None
    try:
        os.makedirs(directory, exist_ok=True)
        if backup and os.path.exists(path):
            saved = backup_path(path)
            shutil.copy2(path, saved)
        fd, tmp = tempfile.mkstemp(prefix=".%s." % os.path.basename(path), dir=directory)
        try:
            os.fchmod(fd, mode)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
    except OSError as err:
        raise AdapterError("cannot write %s: %s" % (path, err)) from err
    return saved


def mode_of(path: str) -> Optional[int]:
    try:
        return os.stat(path).st_mode & 0o7777
    except FileNotFoundError:
        return None

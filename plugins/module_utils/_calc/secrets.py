# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Decide which secrets to keep, take from the operator, or generate.

Pure: the caller reads the stored secrets, passes a generator, and writes the returned values.
A value the operator gives wins over the stored one, except for immutable names (a Swift hash
path suffix can never change once objects are stored: every object would become unreachable).
Stored names that are no longer asked for are kept, so a shorter list never loses a secret.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Dict, Mapping, Optional, Sequence, Tuple

from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError

NAME = re.compile(r"^[A-Za-z0-9_.:-]+$")


@dataclass(frozen=True)
class SecretPlan:
    values: Dict[str, str]
    generated: Tuple[str, ...] = field(default=())
    updated: Tuple[str, ...] = field(default=())

    @property
    def changed(self) -> bool:
        return bool(self.generated or self.updated)


def plan_secrets(stored: Mapping[str, str], names: Sequence[str], given: Mapping[str, Optional[str]],
                 immutable: Sequence[str], generate: Callable[[str], str]) -> SecretPlan:
    """The secrets to store: ``given`` (non-empty) > ``stored`` > ``generate(name)``."""
    names = list(dict.fromkeys(names))  # a name listed twice is one secret
    for name in names + list(given):
        if not NAME.fullmatch(name):
            raise PlanError("secret name %r: use letters, digits and . _ : - only" % name)
    unknown = sorted(set(given) - set(names))
    if unknown:
        raise PlanError("values given for secrets that are not listed in names: %s" % ", ".join(unknown))
    values = dict(stored)
    generated = []
    updated = []
    for name in names:
        value = given.get(name)
        if value:
            if name in stored and stored[name] != value:
                if name in immutable:
                    raise PlanError("secret %s is immutable and differs from the stored one: changing it would "
                                    "make existing data unreachable; remove the given value to keep the stored one"
                                    % name)
                updated.append(name)
            elif name not in stored:
                updated.append(name)
            values[name] = value
        elif name not in stored:
            values[name] = generate(name)
            if not values[name]:
                raise PlanError("the generator returned an empty value for %s" % name)
            generated.append(name)
    return SecretPlan(values, tuple(generated), tuple(updated))

# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The one base every module of the collection runs through.

It merges a backend's shared options into the module's argument spec, reports missing libraries,
turns calculator and adapter errors into ``fail_json(msg=...)`` without a traceback, and shapes
the result: ``changed`` comes from the plan, ``diff`` is added only in diff mode.
"""

from __future__ import annotations

from typing import Any, Dict, Optional

from ansible.module_utils.basic import AnsibleModule, missing_required_lib
from ansible_collections.hypercloud.builder.plugins.module_utils._adapters.errors import AdapterError
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError

HANDLED_ERRORS = (PlanError, AdapterError)


class HypercloudModule:
    """Subclass, set ``argument_spec`` (and ``module_kwargs``), implement ``run()``.

    ``run()`` reads the current state, plans with a calculator, applies the plan unless
    ``self.check_mode``, and returns the result dict; it never decides ``changed`` twice.
    """

    argument_spec: Dict[str, Any] = {}
    module_kwargs: Dict[str, Any] = {}
    # Backends add their shared options here (auth for an API, say); modules override to extend.
    shared_spec: Dict[str, Any] = {}
    # Every module of the collection supports check mode through its one plan; each says so.
    supports_check_mode = True

    def __init__(self) -> None:
        spec = dict(self.shared_spec)
        spec.update(self.argument_spec)
        kwargs = {"supports_check_mode": self.supports_check_mode}
        kwargs.update(self.module_kwargs)
        self.module = AnsibleModule(argument_spec=spec, **kwargs)
        self.params = self.module.params
        self.check_mode = self.module.check_mode

    def require(self, library: str, import_error: Optional[BaseException]) -> None:
        """Fail cleanly when a guarded third-party import did not succeed."""
        if import_error is not None:
            self.module.fail_json(msg=missing_required_lib(library), exception=str(import_error))

    def result(self, changed: bool, before: Any = None, after: Any = None, **data: Any) -> Dict[str, Any]:
        """The module result; the diff is added only when diff mode is on."""
        out: Dict[str, Any] = dict(changed=bool(changed), **data)
        if self.module._diff:  # pylint: disable=protected-access
            out["diff"] = {"before": before, "after": after}
        return out

    def run(self) -> Dict[str, Any]:
        raise NotImplementedError

    def execute(self) -> None:
        try:
            result = self.run()
        except HANDLED_ERRORS as err:
            self.module.fail_json(msg=str(err))
        self.module.exit_json(**result)

# Copyright: Contributors to the onlyoffice.docspace collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Test-only callback: writes every task result as one JSON line for the tests to read.

ansible-core 2.19 ships no json stdout callback, and the tests want the results as data,
exactly as Ansible hands them to callbacks (so no_log censoring applies).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


import json
import os

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "record_results"
    CALLBACK_NEEDS_ENABLED = True

    def _record(self, result, status):
        path = os.environ.get("RECORD_RESULTS_FILE")
        if not path:
            return
        entry = {
            "task": result.task_name if hasattr(result, "task_name") else result._task.get_name(),
            "status": status,
            "host": result._host.get_name(),
            "result": result._result,
        }
        with open(path, "a") as stream:
            stream.write(json.dumps(entry, default=str) + "\n")

    def v2_runner_on_ok(self, result):
        self._record(result, "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, "failed")

    def v2_runner_on_skipped(self, result):
        self._record(result, "skipped")

# Copyright: Contributors to the onlyoffice.docspace collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment:
    # What the attributes mean; each module says how far it supports them, and how.
    DOCUMENTATION = r"""
attributes:
  check_mode:
    description: >-
      Whether the task can run with C(--check), reporting what it would change and changing
      nothing.
  diff_mode:
    description: Whether the task shows, with C(--diff), the state before and after its change.
  action_group:
    description: >-
      Use C(group/onlyoffice.docspace.docspace) in C(module_defaults) to set the connection
      options once for every module of this collection.
    support: full
    membership:
      - onlyoffice.docspace.docspace
"""

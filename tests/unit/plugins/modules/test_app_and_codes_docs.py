# Copyright: Contributors to the onlyoffice.docspace collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The EXAMPLES of docspace_tfa_app and docspace_tfa_codes use only real options, cover every
state, and put no_log on each task that receives a secret; RETURN documents every key."""

import pytest
import yaml

from ansible_collections.onlyoffice.docspace.plugins.modules import (
    docspace_tfa_app,
    docspace_tfa_codes,
)

MODULES = {
    "onlyoffice.docspace.docspace_tfa_app": docspace_tfa_app,
    "onlyoffice.docspace.docspace_tfa_codes": docspace_tfa_codes,
}


def examples(module):
    return yaml.safe_load(module.EXAMPLES)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_examples_use_only_real_options(name):
    module = MODULES[name]
    spec = module.argument_spec()
    used = [task[name] for task in examples(module) if name in task]
    assert used
    for options in used:
        assert set(options) <= set(spec), set(options) - set(spec)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_every_state_has_an_example(name):
    module = MODULES[name]
    states = set(module.argument_spec()["state"]["choices"])
    shown = {task[name].get("state", "present") for task in examples(module) if name in task}
    assert shown == states


@pytest.mark.parametrize("name", sorted(MODULES))
def test_examples_that_register_secrets_set_no_log(name):
    module = MODULES[name]
    for task in examples(module):
        options = task.get(name)
        if options is None:
            continue
        secret_state = name.endswith("_app") and options.get("state", "present") in (
            "present",
            "setup",
        )
        asks_for_codes = options.get("return_codes")
        if "register" in task and (secret_state or asks_for_codes):
            assert task.get("no_log") is True, task["name"]


@pytest.mark.parametrize("name", sorted(MODULES))
def test_every_state_and_option_is_documented(name):
    module = MODULES[name]
    documented = yaml.safe_load(module.DOCUMENTATION)["options"]
    own = set(module.argument_spec()) - {
        "url",
        "api_key",
        "token",
        "username",
        "password",
        "totp_secret",
        "validate_certs",
        "ca_path",
        "timeout",
    }
    assert own == set(documented)
    for option in own:
        spec = module.argument_spec()[option]
        assert documented[option]["type"] == spec["type"]
        assert documented[option].get("default") == spec.get("default")
        assert documented[option].get("choices") == spec.get("choices")


def test_secret_return_values_say_so():
    returned = yaml.safe_load(docspace_tfa_app.RETURN)
    for key in ("secret", "uri", "qr"):
        assert "secret" in " ".join(returned[key]["description"]).lower()
    codes = yaml.safe_load(docspace_tfa_codes.RETURN)["codes"]
    assert "no_log" in " ".join(codes["description"])

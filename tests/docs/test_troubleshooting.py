"""The troubleshooting guide has an entry for every message the collection's code prints.

tools/messages.py finds the messages; these tests check the guide against them and check
that the finder itself still sees what it should.
"""

from __future__ import annotations

import importlib.util
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "docsite" / "rst" / "troubleshooting.rst"


def _load_messages_tool():
    name = "collection_messages_tool"
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / "messages.py")
    module = importlib.util.module_from_spec(spec)
    # dataclasses look their module up in sys.modules.
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


messages = _load_messages_tool()


@pytest.fixture(scope="module")
def found():
    return messages.collect()


def test_every_message_has_an_entry_in_the_troubleshooting_guide(found):
    missing = messages.missing(found, messages.guide_text(GUIDE))
    assert not missing, (
        "these messages have no entry in %s (write each with its values as <name>; "
        "`.venv/bin/python tools/messages.py --missing %s` lists them):\n%s"
        % (
            GUIDE.relative_to(ROOT),
            GUIDE.relative_to(ROOT),
            "\n".join("%s:%d  %s" % (m.path, m.line, " ".join(m.text.split())) for m in missing),
        )
    )


def test_the_guide_quotes_no_message_the_code_no_longer_prints():
    examples = messages.guide_examples(GUIDE.read_text(encoding="utf-8"))
    assert len(examples) > 50
    gone = messages.stale(examples)
    assert not gone, (
        "%s quotes messages that the code does not print (any more); update or remove "
        "them:\n%s" % (GUIDE.relative_to(ROOT), "\n".join(gone))
    )


def test_the_finder_sees_messages_of_every_kind_and_file(found):
    files = {message.path for message in found}
    # docspace_tfa_info says nothing of its own: its messages come from module_utils.
    assert files >= {
        "plugins/filter/totp.py",
        "plugins/module_utils/_app.py",
        "plugins/module_utils/_client.py",
        "plugins/module_utils/_connection.py",
        "plugins/module_utils/_portal.py",
        "plugins/module_utils/_portal_app.py",
        "plugins/module_utils/_tfa.py",
        "plugins/module_utils/_totp.py",
        "plugins/modules/docspace_tfa_app.py",
        "plugins/modules/docspace_tfa_codes.py",
        "plugins/modules/docspace_tfa_settings.py",
    }
    kinds = {message.kind for message in found}
    assert kinds >= {"error", "warning"}
    texts = " ".join(message.text for message in found)
    # Built in a helper, assigned to a name, and a module-level constant, one each.
    for phrase in (
        "DocSpace did not accept the code given in code",
        "The connection to %s broke during",
        "an HTML page instead of a DocSpace answer",
    ):
        assert phrase in texts


def test_the_finder_follows_names_helpers_and_templates(tmp_path):
    source = tmp_path / "plugins" / "module_utils" / "_sample.py"
    source.parent.mkdir(parents=True)
    source.write_text(
        textwrap.dedent(
            """
            HINT = "check the three widgets first"

            class WidgetError(ValueError):
                pass

            def hint():
                return "the widget is not where it should be"

            def run(module, name):
                message = "The widget %s is missing from the shelf." % name
                if name:
                    raise WidgetError(message)
                module.warn(hint())
                module.fail_json(msg=f"Widget {name} could not be found anywhere; " + HINT)
                raise ValueError("ok")

            def many(names):
                problems = []
                for name in names:
                    problems.append("no widget on this shelf is called %s" % name)
                error = KeyError if names else LookupError
                raise error("Cannot find the widgets: %s." % "; ".join(problems))
            """
        )
    )
    found = {m.text: m for m in messages.collect(root=tmp_path)}
    assert set(found) == {
        "The widget %s is missing from the shelf.",
        "the widget is not where it should be",
        "Widget %s could not be found anywhere; ",
        "check the three widgets first",
        "no widget on this shelf is called %s",
        "Cannot find the widgets: %s.",
    }
    assert found["the widget is not where it should be"].kind == "warning"
    widget = found["The widget %s is missing from the shelf."]
    assert widget.phrase == "is missing from the shelf"
    assert widget.pattern.search(messages.normalize("The widget <name> is missing from the shelf."))
    assert not widget.pattern.search(messages.normalize("The widget is on the shelf."))

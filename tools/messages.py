"""List every message the collection's Python code can show a user, with a stable phrase.

    .venv/bin/python tools/messages.py                 # every message, where it is written
    .venv/bin/python tools/messages.py --missing FILE  # those FILE does not mention
    .venv/bin/python tools/messages.py --stale FILE    # what FILE quotes that is gone

A message is a string that reaches a user: the text of an exception the code raises or
builds, ``fail_json(msg=...)``, ``warn(...)`` and ``deprecate(...)``. The script follows
names assigned in the same function, module-level constants, and calls to functions of
the collection (their return values), so the parts of a message that a helper builds are
found too. What stays the same whatever values fill a message is its stable phrase: the
literal text, with each placeholder (``%s``, ``%r``, ...) free to stand for any short text.
The troubleshooting guide must contain every message's stable phrase, with the values
written as ``<name>``; a test checks.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("plugins/module_utils", "plugins/modules", "plugins/filter")
# Blocks that ansible-doc prints: documentation, not messages.
DOC_BLOCKS = {"DOCUMENTATION", "EXAMPLES", "RETURN"}
BUILTIN_ERRORS = {
    "Exception",
    "ValueError",
    "TypeError",
    "RuntimeError",
    "KeyError",
    "AnsibleError",
    "AnsibleFilterError",
}
MESSAGE_METHODS = {"fail_json": "msg", "warn": None, "deprecate": None}
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-+ #0]*[0-9*]*(?:\.[0-9*]+)?[sdrfigxXeEc]")
# A literal percent sign in a %-template, kept apart while the placeholders are split off.
PERCENT = "\x00"
MIN_WORDS = 3
# How much text a placeholder may stand for in the guide, for example ``<request>``.
WILDCARD = ".{0,160}?"


@dataclass(frozen=True)
class Message:
    text: str
    path: str
    line: int
    kind: str

    @property
    def phrase(self):
        """The longest literal run: what to search the code or the guide for by hand."""
        return stable_phrase(self.text)

    @property
    def pattern(self):
        """The message as a regular expression over normalized text: literal runs in
        order, any short text where a placeholder stands. Placeholders at either end
        are left out, so a message that starts with a value matches after it."""
        literal = [normalize(segment) for segment in _segments(self.text)]
        return re.compile(WILDCARD.join(re.escape(segment) for segment in literal if segment))


def normalize(text):
    """Whitespace collapsed, case folded: how phrases and the guide are compared."""
    return " ".join(text.split()).casefold()


def _segments(text):
    """The literal runs of a %-template, in order."""
    parts = PLACEHOLDER.split(text.replace("%%", PERCENT))
    return [part.replace(PERCENT, "%") for part in parts]


def stable_phrase(text):
    """The longest run of literal text between placeholders, without edge punctuation."""
    segments = [" ".join(segment.strip(" .,;:()'\"").split()) for segment in _segments(text)]
    return max(segments, key=lambda segment: (len(segment.split()), len(segment)), default="")


def _callee(node):
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def _template(node):
    """An f-string as a %-template, so its placeholders are found like the others."""
    parts = []
    for value in node.values:
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            parts.append(value.value.replace("%", "%%"))
        else:
            parts.append("%s")
    return "".join(parts)


class Source:
    """One parsed file: its functions, module constants, and enclosing-function lookup."""

    def __init__(self, path, root=ROOT):
        self.path = path
        self.rel = str(path.relative_to(root))
        self.tree = ast.parse(path.read_text(encoding="utf-8"), filename=self.rel)
        self.constants = {}
        for node in self.tree.body:
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name) and target.id not in DOC_BLOCKS:
                        self.constants.setdefault(target.id, []).append(node.value)
        self.functions = [
            node
            for node in ast.walk(self.tree)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        ]
        self.parents = {}
        for function in self.functions:
            for child in ast.walk(function):
                self.parents.setdefault(id(child), function)

    def enclosing(self, node):
        return self.parents.get(id(node))


def is_message(text):
    """A part the guide must cover: a stable phrase of MIN_WORDS words or more."""
    return len(stable_phrase(text).split()) >= MIN_WORDS


def is_part(text):
    """Any text that can appear in a message: words around a placeholder, or at least two
    words. A lone word such as ``id`` or ``GET`` is a key or a verb, not message text."""
    words = len(stable_phrase(text).split())
    return words >= 2 or (words == 1 and bool(PLACEHOLDER.search(text)))


class Collector:
    def __init__(self, sources, keep=is_message):
        self.sources = sources
        self.keep = keep
        self.errors = set(BUILTIN_ERRORS)
        self._find_error_classes()
        self.functions = {}
        for source in sources:
            for function in source.functions:
                self.functions.setdefault(function.name, []).append((source, function))
        self.found = {}

    def _find_error_classes(self):
        classes = []
        for source in self.sources:
            classes += [n for n in ast.walk(source.tree) if isinstance(n, ast.ClassDef)]
        grew = True
        while grew:
            grew = False
            for cls in classes:
                bases = {
                    b.id if isinstance(b, ast.Name) else getattr(b, "attr", None) for b in cls.bases
                }
                if cls.name not in self.errors and bases & self.errors:
                    self.errors.add(cls.name)
                    grew = True

    def message_nodes(self, source):
        """(node, kind) for every expression whose value a user reads."""
        for node in ast.walk(source.tree):
            # raise error(...) with a class chosen at run time: its first argument is text.
            if (
                isinstance(node, ast.Raise)
                and isinstance(node.exc, ast.Call)
                and _callee(node.exc) not in self.errors
                and node.exc.args
            ):
                yield node.exc.args[0], "error"
            if not isinstance(node, ast.Call):
                continue
            name = _callee(node)
            if name in self.errors and node.args:
                yield node.args[0], "error"
            elif name in self.errors:
                for keyword in node.keywords:
                    if keyword.arg in ("message", "msg"):
                        yield keyword.value, "error"
            elif name in MESSAGE_METHODS:
                wanted = MESSAGE_METHODS[name]
                if wanted is None and node.args:
                    yield node.args[0], "warning" if name == "warn" else "deprecation"
                for keyword in node.keywords:
                    if keyword.arg == (wanted or "msg"):
                        yield keyword.value, "error"

    def collect(self):
        for source in self.sources:
            for node, kind in self.message_nodes(source):
                self._strings(source, node, source.enclosing(node), kind, set())
        return sorted(self.found.values(), key=lambda m: (m.path, m.line))

    def _add(self, source, node, text, kind):
        if not self.keep(text):
            return
        self.found.setdefault(text, Message(text, source.rel, node.lineno, kind))

    def _strings(self, source, node, function, kind, seen):
        stack = [node]
        while stack:
            current = stack.pop()
            if isinstance(current, ast.JoinedStr):
                self._add(source, current, _template(current), kind)
                continue
            if isinstance(current, ast.Constant) and isinstance(current.value, str):
                self._add(source, current, current.value, kind)
            elif isinstance(current, ast.Name):
                for value in self._assigned(source, function, current.id, seen):
                    self._strings(source, value, function, kind, seen)
            elif isinstance(current, ast.Call):
                name = _callee(current)
                for other, helper in self.functions.get(name, []):
                    key = ("call", other.rel, helper.name, helper.lineno)
                    if key in seen:
                        continue
                    seen.add(key)
                    for child in ast.walk(helper):
                        if isinstance(child, ast.Return) and child.value is not None:
                            self._strings(other, child.value, helper, kind, seen)
            stack.extend(ast.iter_child_nodes(current))

    def _assigned(self, source, function, name, seen):
        key = ("name", source.rel, getattr(function, "lineno", 0), name)
        if key in seen:
            return []
        seen.add(key)
        values = []
        if function is not None:
            for child in ast.walk(function):
                # parts.append("...") builds a message as surely as an assignment does.
                if (
                    isinstance(child, ast.Call)
                    and isinstance(child.func, ast.Attribute)
                    and child.func.attr in ("append", "extend", "insert")
                    and isinstance(child.func.value, ast.Name)
                    and child.func.value.id == name
                ):
                    values.extend(child.args)
                elif isinstance(child, ast.Assign):
                    if any(isinstance(t, ast.Name) and t.id == name for t in child.targets):
                        values.append(child.value)
                elif isinstance(child, (ast.AugAssign, ast.AnnAssign)):
                    target = child.target
                    if isinstance(target, ast.Name) and target.id == name and child.value:
                        values.append(child.value)
        if not values:
            values = source.constants.get(name, [])
        return values


def collect(root=ROOT, keep=is_message):
    """Every message part that ``keep`` accepts. Short parts, such as
    ``%s %s answered %s``, say nothing alone: the guide must cover the messages, and may
    quote any part."""
    paths = sorted(p for folder in SOURCES for p in (root / folder).glob("*.py"))
    return Collector([Source(path, root) for path in paths], keep).collect()


def missing(messages, text):
    """The messages whose stable phrase ``text`` does not contain."""
    haystack = normalize(text)
    return [message for message in messages if not message.pattern.search(haystack)]


def guide_examples(text):
    """The messages the guide quotes: each run of lines in a ``code-block:: text``,
    separated by blank lines, with the indentation removed."""
    examples, current, inside = [], [], False
    for line in [*text.splitlines(), ""]:
        if line.startswith(".. code-block:: text"):
            inside = True
            continue
        if inside and line.strip() and not line.startswith(" "):
            inside = False
        if inside and line.strip():
            current.append(line.strip())
            continue
        if current:
            examples.append(" ".join(current))
            current = []
    return examples


def stale(examples, root=ROOT):
    """The examples that no message part of the code matches any more."""
    parts = collect(root, keep=is_part)
    return [e for e in examples if not any(m.pattern.search(normalize(e)) for m in parts)]


def guide_text(path):
    """The guide as the phrases are searched in: without the ``literal`` quotes of RST."""
    return re.sub(r"``|\\", "", path.read_text(encoding="utf-8"))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--missing", type=Path, help="list the messages this file lacks")
    parser.add_argument("--stale", type=Path, help="list what this file quotes in vain")
    args = parser.parse_args(argv)
    if args.stale:
        found = stale(guide_examples(args.stale.read_text(encoding="utf-8")))
        for example in found:
            print(example)
        print("%d stale example(s)" % len(found), file=sys.stderr)
        return 1 if found else 0
    messages = collect()
    if args.missing:
        messages = missing(messages, guide_text(args.missing))
    for message in messages:
        print("%s:%d [%s] %s" % (message.path, message.line, message.kind, message.phrase))
        print("    %s" % " ".join(message.text.split()))
    print("%d message(s)" % len(messages), file=sys.stderr)
    return 1 if args.missing and messages else 0


if __name__ == "__main__":
    sys.exit(main())

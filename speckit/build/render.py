"""Rendering the generated files from jinja2 templates, and the header + content hash they carry.

Every generated file names its source documents and carries ``speckit-hash: sha256:<hex>``: the hash
of the file's own text with the hash replaced by zeros. A file whose hash no longer matches was edited
by hand, and ``speckit build`` will not overwrite it without ``--force``. No timestamps and no speckit
version go into the files, so the same documents always give the same bytes (``build --check``).
"""

from __future__ import annotations

import hashlib
import json
import re
import shlex
from typing import Any

from speckit.report import printable

PLACEHOLDER = "0" * 64
HASH = re.compile(r"speckit-hash\W{0,4}sha256:([0-9a-f]{64})")


def seal(text: str) -> str:
    """Put the content hash in place of the placeholder."""
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return text.replace(f"sha256:{PLACEHOLDER}", f"sha256:{digest}", 1)


def intact(text: str) -> bool | None:
    """True: generated and untouched; False: generated, then edited; None: not a generated file."""
    match = HASH.search(text)
    if match is None:
        return None
    unsealed = text[: match.start(1)] + PLACEHOLDER + text[match.end(1) :]
    return hashlib.sha256(unsealed.encode("utf-8")).hexdigest() == match.group(1)


def oneline(value: object) -> str:
    return " ".join(str(value).split())


def comment(value: object) -> str:
    """Text for a ``#`` comment line of a shell script, Makefile or YAML file: one line, control
    characters shown as escapes (a newline in a folder name would end the comment and start code),
    no trailing backslash (make would continue the comment onto the next line)."""
    return printable(oneline(value), line=True).rstrip("\\")


def shown(value: object) -> str:
    """Document text or a name that a generated script only prints (a title in ``--list``, a
    banner): one line, control characters shown as escapes, so an OSC 52 sequence in a title is
    never sent to the terminal that runs the script."""
    return printable(oneline(value), line=True)


def shquote(value: object) -> str:
    return shlex.quote(str(value))


def makeword(value: object) -> str:
    """Make expands ``$`` even in recipes and variable values."""
    return str(value).replace("$", "$$")


def yamlq(value: object) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML). GitHub evaluates ``${{ ... }}``
    inside any string of a workflow, so document text is broken up there: it must never execute."""
    return yaml_string(oneline(value).replace("${{", "$ {{"))


def yaml_string(text: str) -> str:
    """``text`` as a YAML double-quoted scalar, exactly (JSON strings are valid YAML)."""
    quoted = json.dumps(text, ensure_ascii=False)
    # JSON leaves DEL, C1 controls (NEL is a YAML line break), U+2028/9 and lone surrogates (a name
    # that is not UTF-8) raw; YAML rejects or folds them. Its \\u escapes are YAML's too.
    return _YAML_RAW.sub(lambda m: f"\\u{ord(m.group(0)):04x}", quoted)


_YAML_RAW = re.compile(r"[\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff]")


def md(value: object) -> str:
    """Document text inside generated Markdown: one line, no raw HTML."""
    return oneline(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def code_span(text: str) -> str:
    """A Markdown code span that holds ``text`` whatever backticks it contains."""
    text = oneline(text)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def environment() -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("speckit.build", "templates"),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "htm"), default_for_string=False),
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters.update(shquote=shquote, comment=comment, shown=shown, makeword=makeword, yamlq=yamlq, md=md)
    return env


def render(template: str, **context: Any) -> str:
    text: str = environment().get_template(template).render(placeholder=PLACEHOLDER, **context)
    return seal(text)


def delimiter(name: str, text: str) -> str:
    """A here-document delimiter that no line of ``text`` equals."""
    base = f"SPECKIT_{name.upper()}"
    lines = set(text.splitlines())
    candidate, n = base, 1
    while candidate in lines:
        n += 1
        candidate = f"{base}_{n}"
    return candidate

"""``speckit lsp``: a language server for spec.md, plan.md and tasks.md (pygls, over stdio).

    session.py   open buffers + files on disk -> each feature's model and findings (no LSP here)
    text.py      lines split as the parser splits them; code points <-> the client's position units
    ids.py       the ids of a feature: where each is defined and referenced, hover text, completion
    actions.py   code actions: tick/untick a task, a justified speckit-ignore, check --fix's fixes
    server.py    the pygls server: protocol handlers that call the modules above

Only ``server.py`` (and the modules it loads) import pygls and lsprotocol, and only the ``lsp``
command loads it: ``speckit check`` on the commit hook never pays for them.
"""

from __future__ import annotations

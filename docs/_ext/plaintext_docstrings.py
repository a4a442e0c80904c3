"""Read combchip's docstrings as the plain text they are written in, before numpydoc parses them.

The docstrings write mathematics in Unicode (|ψ|², |Ψ⁻⟩) and set equations and code off by indentation. In
reStructuredText a bare ``|`` starts a substitution and an indented block is a block quote, whose deeper lines
break the structure. This hook makes such a block a literal block (an ``::`` paragraph before it, unless a
directive or ``::`` already opens it) and escapes every ``|`` outside literal text and interpreted text.
"""

import re

_INLINE = re.compile(r"(``.+?``|`[^`]*`)")


def _indent(line):
    return len(line) - len(line.lstrip())


def plain_text(lines):
    """Return ``lines`` with indented blocks made literal and bare ``|`` escaped."""
    out, literal_indent, previous, blank_before = [], None, None, False
    for line in lines:
        blank = not line.strip()
        if literal_indent is not None and (blank or _indent(line) > literal_indent):
            out.append(line)
            continue
        if literal_indent is not None and out[-1].strip():
            out.append("")  # a literal block ends at a blank line
        literal_indent = None
        if blank:
            out.append(line)
            blank_before = True
            continue
        if (blank_before and previous is not None and _indent(line) > _indent(previous)
                and not previous.rstrip().endswith("::") and not previous.lstrip().startswith("..")):
            out += [" " * _indent(previous) + "::", ""]
            literal_indent = _indent(previous)
            out.append(line)
        else:
            if line.rstrip().endswith("::"):
                literal_indent = _indent(line)
            parts = _INLINE.split(line)
            out.append("".join(part if i % 2 else part.replace("|", r"\|") for i, part in enumerate(parts)))
        previous, blank_before = line, False
    return out


def _process(app, what, name, obj, options, lines):
    lines[:] = plain_text(lines)


def setup(app):
    app.connect("autodoc-process-docstring", _process, priority=100)  # before numpydoc (500)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

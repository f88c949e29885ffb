"""Writing records as YAML: the layout of record.md, and text that stays text.

ruamel.yaml's round-trip mode keeps a file's comments, key order and quoting
through a write (record.md, "The tool's writes keep the file the user's");
PyYAML would drop them. ruamel speaks YAML 1.2, where ``no`` is plain text,
so every string a YAML 1.1 reader would take for something else is written
in double quotes: the file means the same thing to every reader.
"""

from __future__ import annotations

import io
from functools import lru_cache



from sendcli.loading import STR, needs_quotes


@lru_cache(maxsize=1)
def round_trip_yaml():
    """A ruamel.yaml instance set up as record.md asks."""
    from ruamel.yaml import YAML
    from ruamel.yaml.representer import RoundTripRepresenter

    class RecordRepresenter(RoundTripRepresenter):
        def ignore_aliases(self, data: object) -> bool:
            return True  # no anchors for repeated values

    def represent_str(representer, text: str):
        style = '"' if needs_quotes(text) else None
        return representer.represent_scalar(STR, text, style=style)

    def represent_none(representer, _):
        return representer.represent_scalar("tag:yaml.org,2002:null", "null")

    RecordRepresenter.add_representer(str, represent_str)
    RecordRepresenter.add_representer(type(None), represent_none)
    handler = YAML(typ="rt")
    handler.Representer = RecordRepresenter
    handler.indent(mapping=2, sequence=4, offset=2)
    handler.preserve_quotes = True
    handler.width = 4096
    return handler


def dump_yaml(data: object, header: str | None = None) -> str:
    stream = io.StringIO()
    if header:
        stream.write(header + "\n")
    round_trip_yaml().dump(data, stream)
    return stream.getvalue()




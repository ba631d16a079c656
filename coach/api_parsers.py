"""Request parsers of the API."""

from typing import Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, with a document nested too deeply for Python's json module refused like
    any other bad JSON (a 400), not a RecursionError (a 500)."""

    def parse(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().parse(*args, **kwargs)
        except RecursionError as exc:
            raise ParseError("JSON parse error - the document is nested too deeply.") from exc

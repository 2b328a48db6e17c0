"""lime's ``lime.utils.generic_utils``."""
from __future__ import annotations

import inspect
from collections.abc import Callable

__all__ = ["has_arg"]


def has_arg(fn: Callable, arg_name: str) -> bool:
    """Whether callable ``fn`` accepts an argument named ``arg_name``.

    Examples
    --------
    >>> has_arg(lambda a, b=1: None, "b"), has_arg(lambda a: None, "b")
    (True, False)
    """
    try:
        parameters = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
    parameter = parameters.get(arg_name)
    return parameter is not None and parameter.kind in (
        inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)

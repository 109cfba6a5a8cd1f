"""The options a ``ModelView`` takes, typed for checkers and checked for people."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal, get_args

from typing_extensions import TypedDict

Theme = Literal["auto", "light", "dark"]
Summary = Literal["mean", "max"]
ColorScope = Literal["layer", "channel", "model"]

THEMES: tuple[str, ...] = get_args(Theme)
SUMMARIES: tuple[str, ...] = get_args(Summary)
COLOR_SCOPES: tuple[str, ...] = get_args(ColorScope)


class ViewOptions(TypedDict, total=False):
    """Keyword options of ``ModelView`` (see its docstring for what each does)."""

    theme: Theme
    height: int
    summary: Summary
    color_scope: ColorScope
    images: Literal["auto"] | list[str] | None
    boxes: Callable[[Any], Any] | None
    fold: Literal["auto", "none", "all"]


OPTIONS: tuple[str, ...] = tuple(ViewOptions.__annotations__)
"""The option names, in the order the docs give them."""


def check_options(options: dict[str, object]) -> None:
    """Reject unknown option names (values are checked by the traits).

    Raises
    ------
    TypeError
        Naming the unknown options and the ones accepted.
    """
    unknown = sorted(set(options) - set(OPTIONS))
    if unknown:
        raise TypeError(
            f"ModelView got unknown option(s) {unknown}; it accepts {', '.join(OPTIONS)}"
        )

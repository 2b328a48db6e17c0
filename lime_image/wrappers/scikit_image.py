"""scikit-image segmentation behind lime's wrapper classes (``lime.wrappers.scikit_image``).

:class:`SegmentationAlgorithm` keeps lime 0.2.0.1's semantics: parameters the
chosen scikit-image function does not accept are dropped by
:meth:`BaseWrapper.filter_params` when the wrapper is built, and ``__call__``
passes the rest to the function. One addition: lime's ``random_seed`` keyword is
passed on as ``rng`` to functions that take ``rng`` instead (scikit-image >= 0.22
renamed it; lime then dropped the seed silently).
"""
from __future__ import annotations

import types
from collections.abc import Callable
from typing import Any

import numpy as np
from skimage.segmentation import felzenszwalb, quickshift, slic

from lime_core.utils.generic_utils import has_arg

__all__ = ["BaseWrapper", "SegmentationAlgorithm", "ALGORITHMS"]

#: The algorithms :class:`SegmentationAlgorithm` knows, by lime's names.
ALGORITHMS: dict[str, Callable[..., np.ndarray]] = {
    "quickshift": quickshift, "slic": slic, "felzenszwalb": felzenszwalb}


class BaseWrapper:
    """Base class of lime's scikit-image wrappers: a target function and its parameters.

    Parameters
    ----------
    target_fn : callable, optional
        The wrapped function (or a callable object).
    **target_params
        Parameters passed to ``target_fn``.

    Examples
    --------
    >>> wrapper = BaseWrapper(quickshift, kernel_size=4, not_a_parameter=1)
    >>> sorted(wrapper.filter_params(quickshift))
    ['kernel_size']
    """

    def __init__(self, target_fn: Callable[..., Any] | None = None, **target_params: Any) -> None:
        self.target_fn = target_fn
        self.target_params = target_params

    def _check_params(self, parameters: Any) -> None:
        """Raise when a parameter is not an argument of the target function."""
        if isinstance(parameters, str):
            raise TypeError("invalid argument: list or dictionary expected, got a str.")
        if self.target_fn is None:
            if not callable(self):
                raise TypeError("invalid argument: tested object is not callable, "
                                "please provide a valid target_fn")
            fn: Callable[..., Any] = self.__call__  # type: ignore[operator]
        elif isinstance(self.target_fn, (types.FunctionType, types.MethodType)):
            fn = self.target_fn
        else:
            fn = self.target_fn.__call__
        for name in parameters:
            if not has_arg(fn, name):
                raise ValueError(f"{name} is not a valid parameter of {getattr(fn, '__name__', fn)}.")

    def set_params(self, **params: Any) -> None:
        """Replace the target parameters (each must be an argument of the target function).

        Raises
        ------
        ValueError
            If a parameter is not an argument of the target function.
        """
        self._check_params(params)
        self.target_params = params

    def filter_params(self, fn: Callable[..., Any], override: dict[str, Any] | None = None) -> dict[str, Any]:
        """The target parameters that ``fn`` accepts, updated with ``override``.

        Parameters
        ----------
        fn : callable
        override : dict, optional

        Returns
        -------
        dict
        """
        result = {name: value for name, value in self.target_params.items() if has_arg(fn, name)}
        result.update(override or {})
        return result


class SegmentationAlgorithm(BaseWrapper):
    """A scikit-image segmentation with fixed parameters, called as ``fn(image)``.

    Parameters
    ----------
    algo_type : {'quickshift', 'slic', 'felzenszwalb'}
        The scikit-image function.
    **target_params
        Its parameters; those it does not accept are dropped (lime's behaviour),
        except ``random_seed``, passed on as ``rng`` when the function takes ``rng``.

    Raises
    ------
    ValueError
        For an unknown ``algo_type`` (lime built a wrapper that failed later,
        when called).

    Examples
    --------
    >>> import numpy as np
    >>> image = np.zeros((20, 20, 3)); image[:, 10:] = 1.0
    >>> fn = SegmentationAlgorithm("slic", n_segments=4, compactness=1, start_label=0, bogus=1)
    >>> fn.target_params
    {'n_segments': 4, 'compactness': 1, 'start_label': 0}
    >>> np.unique(fn(image)).tolist()
    [0, 1, 2, 3]
    """

    def __init__(self, algo_type: str, **target_params: Any) -> None:
        self.algo_type = algo_type
        if algo_type not in ALGORITHMS:
            raise ValueError(f"The 'algo_type' parameter of SegmentationAlgorithm must be one of "
                             f"{', '.join(repr(a) for a in ALGORITHMS)}; got {algo_type!r}.")
        fn = ALGORITHMS[algo_type]
        if "random_seed" in target_params and not has_arg(fn, "random_seed") and has_arg(fn, "rng"):
            target_params = dict(target_params)
            target_params.setdefault("rng", target_params.pop("random_seed"))
        BaseWrapper.__init__(self, fn, **target_params)
        self.set_params(**self.filter_params(fn))

    def __call__(self, *args: Any) -> np.ndarray:
        """Segment ``args[0]`` (an image) and return the label map."""
        return self.target_fn(args[0], **self.target_params)  # type: ignore[misc]

    def cache_key(self) -> tuple | None:
        """A hashable description of the segmentation, or ``None`` when it cannot be cached.

        Only plain scalar parameters make a key: an array parameter (a ``mask``)
        or a subclass with state of its own is never cached.
        """
        if type(self) is not SegmentationAlgorithm:
            return None
        items = []
        for name, value in sorted(self.target_params.items()):
            if not isinstance(value, (bool, int, float, str, type(None), np.integer, np.floating)):
                return None
            items.append((name, repr(value)))
        return (self.algo_type, tuple(items))

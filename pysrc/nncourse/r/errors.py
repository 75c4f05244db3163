"""What the R bridge raises and warns: R missing, R's errors (and R quitting or crashing),
R running past its time limit, R's warnings."""

from ..paths import setup_hint

SETUP_HINT = setup_hint("r")


class RUnavailable(RuntimeError):
    """R or a working rpy2 is missing; the message says what and how to install it."""


class RError(RuntimeError):
    """An error raised by R code, with R's message; or R quit or crashed running it."""


class RTimeout(RError):
    """R code ran past its time limit; R was stopped and the next call starts a fresh one."""


class RWarning(UserWarning):
    """A warning raised by R code, with R's message."""

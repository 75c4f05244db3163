"""The one door to R (``nncourse.rbridge``): runs the lecture's R code and the R ports, and
captures what R prints.

R runs in a worker process, started once per Python process and kept: code R runs can
neither take Python down nor hang it. ``q()`` becomes an :class:`RError` ("R code called
quit()"), a crash (a segfault, a C stack overflow) or a kill an :class:`RError` naming the
signal, code that runs past the time limit (60 s by default: ``session().timeout``, or
``timeout=`` per call) an :class:`RTimeout`; each time R is restarted for the next call.
Ctrl-C stops R and raises :class:`KeyboardInterrupt`. R cannot change Python's working
directory or environment, and never writes to the console (``rsrc/evaluate.R`` captures
output, messages, warnings and errors). Each environment is fresh (see :class:`RSession`).

``import nncourse`` never needs R. The first call that does (:func:`session`) either
returns the running session or raises :class:`RUnavailable` naming what is missing
(R, rpy2, or an rpy2 too new for this R) and how to install it.

Where each part lives: :mod:`~nncourse.r.installed` (what is installed),
:mod:`~nncourse.r.engines` (the system R by rpy2, R 4.6 in webR),
:mod:`~nncourse.r.session` (the session), :mod:`~nncourse.r.scripts` (``rsrc/``'s scripts
and sections), :mod:`~nncourse.r.values` (values to webR and back).
"""

from ..paths import RSRC
from .engines import ENGINES
from .errors import SETUP_HINT, RError, RTimeout, RUnavailable, RWarning
from .installed import WEBR_VERSION, r_version, rpy2_fits
from .scripts import LECTURE_SCRIPTS, RScript, sections
from .session import Chunk, REnv, RSession, session

__all__ = [
    "ENGINES", "LECTURE_SCRIPTS", "RSRC", "SETUP_HINT", "WEBR_VERSION",
    "Chunk", "REnv", "RError", "RScript", "RSession", "RTimeout", "RUnavailable", "RWarning",
    "r_version", "rpy2_fits", "sections", "session",
]

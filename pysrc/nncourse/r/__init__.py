"""The one door to R: :mod:`nncourse.r.bridge` (the session API, both engines), the rpy2
worker process, the webR worker (Node.js) and the values that cross between them."""

"""``xgrad.compile``: trace a function once per signature, run it as one generated program.

- :mod:`._trace`: the tracer the ops report to, and the tape it records;
- :mod:`._program`: simplification (folding, common subexpressions, dead code), memory
  planning and code generation;
- :mod:`._fuse`: fused elementwise kernels for CuPy;
- :mod:`._function`: the compiled function, its cache, and its node in the eager graph.
"""

from ._function import Compiled, compile

__all__ = ["Compiled", "compile"]

"""Sphinx configuration of xgrad's documentation site.

Build it with ``bash ci/docs.sh`` (a fresh virtual environment) or, with the ``docs`` extra
installed, ``python -m sphinx -W --keep-going -n -b html docs docs/_build/html``.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "_ext"))

import xgrad

project = "xgrad"
author = "xgrad developers"
project_copyright = "xgrad developers"
version = release = xgrad.__version__

extensions = [
    "myst_parser",
    "numpydoc",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "matplotlib.sphinxext.plot_directive",
    "xgrad_apidoc",  # docs/_ext: the API pages' names, from __all__ at build time
]

source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
root_doc = "index"
exclude_patterns = ["_build", "_ext", "plots", "**/.ipynb_checkpoints", "_*.md"]

# -- MyST: the guides are the doctested Markdown files pytest runs ------------------------------
myst_heading_anchors = 3

# -- autodoc, autosummary, numpydoc ---------------------------------------------------------------
autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autosummary_generate = False  # the tables link to entries on the same page (xgrad_apidoc)
numpydoc_show_class_members = False  # autodoc's :members: lists them, with their docs
numpydoc_class_members_toctree = False
numpydoc_validation_checks: set[str] = set()  # docstring style is reviewed, not linted here
numpydoc_xref_param_type = False

# References no target on this site can resolve (-n warns about each unresolved one):
nitpick_ignore_regex = [
    # other libraries' objects, in docstrings and annotations: only intersphinx could link
    # them, and the build is offline (no inventories to download)
    ("py:.*", r"(numpy|scipy|cupy)(\..*)?"),
    ("py:class", r"(collections\.abc|types|os)\..*"),
    ("py:class", r"[A-Z]"),  # a TypeVar in a signature (the grad-mode switches' F)
    # private result types in return annotations (the namedtuples SVDResult, UniqueAllResult,
    # FInfo)
    ("py:class", r"xgrad\.(ops|(\w+\.)*_\w+)\..*"),
    # docs/benchmarks.md links ../benchmarks/README.md: outside docs/, so plain text here (the
    # link works on GitHub)
    ("myst", r".*/benchmarks/README"),
]

# -- plots: computed with xgrad while the site builds (docs/plots/*.py) --------------------------
plot_include_source = False
plot_html_show_source_link = False
plot_html_show_formats = False
plot_formats = [("png", 100)]

# -- HTML --------------------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"xgrad {release}"
html_show_sourcelink = False
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "navbar_align": "left",
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version", "theme-version"],
}
html_context = {"default_mode": "auto"}

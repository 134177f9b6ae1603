"""fedomop's Python side: the JupyterLab extension's files, a small Jupyter server extension, and the
hub client for Python notebooks (``fedomop.connect()``: results as pandas DataFrames via pyarrow).

The analysis itself (sites, hub, TypeScript kernel library) is TypeScript; this package ships the
built lab extension, serves the frontend its runtime configuration, relays the browser to the hub,
puts a ``fedomop`` command (the Node CLI) on the virtual environment's PATH, and lets a Python kernel
ask the hub (``pip install fedomop[notebook]`` brings pyarrow and pandas).
"""

from .cohort import cohort_from_file
from .errors import FedomopError

__all__ = ["FedomopError", "cohort_from_file", "connect"]

__version__ = "0.1.0"


def connect(hub=None, token=None):
    """A client for the hub (see fedomop.client); imported on use, so the server extension and the
    console script never load pyarrow or pandas."""
    from .client import connect as _connect

    return _connect(hub, token)


def _jupyter_labextension_paths():
    return [{"src": "labextension", "dest": "fedomop"}]


def _jupyter_server_extension_points():
    return [{"module": "fedomop"}]


def _load_jupyter_server_extension(server_app):
    # Imported here so that `fedomop` (the console script) does not pay for jupyter_server.
    from .server import setup_handlers

    setup_handlers(server_app)


# The name jupyter_server 1.x looked for; kept so an older server still loads the extension.
load_jupyter_server_extension = _load_jupyter_server_extension

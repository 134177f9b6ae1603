"""fedomop's Python side: the JupyterLab extension's files and a small Jupyter server extension.

The analysis itself (sites, hub, kernel library) is TypeScript; this package only ships the built
lab extension, serves the frontend its runtime configuration, relays the browser to the hub, and
puts a ``fedomop`` command (the Node CLI) on the virtual environment's PATH.
"""

__version__ = "0.1.0"


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

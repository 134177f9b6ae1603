"""JupyterLab as the UI tests start it (playwright.config.js webServer): galata's test setup, on its own
port, with fedomop's server extension relaying to the test hub (FEDOMOP_HUB_URL, set by the config).

Never use this configuration for real work: galata removes every security protection.
"""

import os

from jupyterlab.galata import configure_jupyter_server

configure_jupyter_server(c)  # noqa: F821 (c is the config object Jupyter provides)

c.ServerApp.port = int(os.environ.get("FEDOMOP_UI_LAB_PORT", "8898"))  # noqa: F821
c.ServerApp.ip = "127.0.0.1"  # noqa: F821
c.ServerApp.allow_root = True  # noqa: F821
c.LabApp.news_url = None  # noqa: F821
c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"  # noqa: F821

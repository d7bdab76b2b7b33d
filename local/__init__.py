"""The offline runtime: provisioning from synthesized templates, emulators, dev stack, CLIs.

The Lambda code lives in functions/ (one asset, imported as top-level packages there), so it is put on
sys.path for every `python -m local.*` command, exactly as Lambda puts the asset root on its path.
"""

import sys
from pathlib import Path

FUNCTIONS_DIR = str(Path(__file__).resolve().parents[1] / "functions")
if FUNCTIONS_DIR not in sys.path:
    sys.path.insert(0, FUNCTIONS_DIR)

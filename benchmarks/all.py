"""Every measurement, one after the other, in one run: python benchmarks/all.py"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import deck_execution  # noqa: E402
import gd_epoch  # noqa: E402
import report_time  # noqa: E402
import sgd_sampler  # noqa: E402
import r_engines  # noqa: E402
import r_output  # noqa: E402
import studies  # noqa: E402

for name, module in [("SGD step as N grows", sgd_sampler), ("gradient-descent epoch", gd_epoch), ("deck execution", deck_execution), ("seeded studies", studies), ("R output capture", r_output), ("R engines", r_engines), ("report", report_time)]:
    print(f"\n== {name}")
    sys.argv = [module.__file__]
    module.main()

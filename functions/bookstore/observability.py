"""One Logger, Tracer and Metrics for every function; the service name comes from POWERTOOLS_SERVICE_NAME.

The Tracer patches botocore only: it is the one traced library the functions use (every AWS call shows as
a subsegment). Powertools' default, patch_all, would also import and patch requests, sqlite3, httplib and
the others the X-Ray SDK supports, a cold-start cost for libraries no function calls.
"""

from aws_lambda_powertools import Logger, Metrics, Tracer

TRACED_MODULES = ("botocore",)

logger = Logger()
tracer = Tracer(patch_modules=TRACED_MODULES)
metrics = Metrics()

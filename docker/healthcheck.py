"""Container health: gunicorn answers and Django reached the database (resolving the Host header
needs it). Any status below 500 is healthy, a 404 for an unknown host included.

X-Forwarded-Proto is sent so that SECURE_SSL_REDIRECT answers the request instead of redirecting.
"""

import os
import sys
import urllib.error
import urllib.request

url = f"http://127.0.0.1:{os.environ.get('PORT', '8000')}/"
request = urllib.request.Request(
    url,
    headers={"Host": os.environ.get("PLATFORM_DOMAIN", "localhost"), "X-Forwarded-Proto": "https"},
)
try:
    with urllib.request.urlopen(request, timeout=4) as response:  # noqa: S310 (fixed local URL)
        status = response.status
except urllib.error.HTTPError as exc:
    status = exc.code
except OSError:
    status = 599
sys.exit(0 if status < 500 else 1)

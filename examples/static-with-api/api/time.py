# GET /api/time: the server's time; request is {"method", "path", "query", "headers", "body"}.
import datetime
import json
import sys


def handler(request):
    now = datetime.datetime.now(datetime.timezone.utc)
    print(f"time asked with {request['method']}")
    return {
        "status": 200,
        "headers": {"content-type": "application/json"},
        "body": json.dumps({"iso": now.isoformat(), "unix": now.timestamp(), "python": sys.version.split()[0]}),
    }

"""In-process side of the benchmark: run by bench/run.py with the benchmark's environment
(FORUM_VAR_DIR, DATABASE_URL, ...), against the same database as the server under load.

Reads a JSON list of cases on stdin (``name``, ``method``, ``path`` with ``{bench}`` and
``{biggest}`` placeholders, ``auth``, ``body``), and prints JSON: the ids the placeholders
stand for, and for each case the path, the status, the response body's size, and the SQL
statements of one request (the second: the first warms caches), counted with
``CaptureQueriesContext`` (transaction control left out), with the writes among them. Requests go through Django's test
client, so through the whole middleware stack as in the server.
"""

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WRITE_VERBS = ("INSERT", "UPDATE", "DELETE", "REPLACE")
# Not counted as queries: BEGIN/COMMIT and savepoints are no work of the page's own.
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


def main() -> None:
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forum.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from forum.management.commands.seed_forum import BENCH_DISCUSSION_NAME, BENCH_LOGIN
    from forum.models import Discussion, Visibility
    from users.models import User

    cases = json.load(sys.stdin)
    public = Discussion.objects.filter(visibility=Visibility.PUBLIC)
    ids = {
        "bench": str(Discussion.objects.get(name=BENCH_DISCUSSION_NAME).pk),
        "biggest": str(public.order_by("-comments_count").values_list("pk", flat=True)[0]),
    }
    biggest = Discussion.objects.get(pk=ids["biggest"])
    facts = {
        "users": User.objects.count(),
        "discussions": Discussion.objects.count(),
        "comments": sum(Discussion.objects.values_list("comments_count", flat=True)),
        "biggest_comments": biggest.comments_count,
    }
    bench_user = User.objects.get(login=BENCH_LOGIN)
    anonymous = Client(HTTP_HOST="127.0.0.1")
    logged_in = Client(HTTP_HOST="127.0.0.1")
    logged_in.force_login(bench_user)
    results = {}
    for case in cases:
        client = logged_in if case.get("auth") else anonymous
        path = case["path"].format(**ids)
        request = _request(client, case, path)
        request()  # warm up: templates, URL resolver, content types
        with CaptureQueriesContext(connection) as captured:
            response = request()
        statements = [
            query["sql"] for query in captured.captured_queries
            if not query["sql"].lstrip().upper().startswith(TRANSACTION_CONTROL)
        ]
        writes = [sql for sql in statements if sql.lstrip().upper().startswith(WRITE_VERBS)]
        results[case["name"]] = {
            "path": path,
            "status": response.status_code,
            "bytes": len(response.content),
            "queries": len(statements),
            "writes": len(writes),
            "statements": statements,
        }
    json.dump({"ids": ids, "facts": facts, "cases": results}, sys.stdout)


def _request(client, case: dict, path: str):
    if case["method"] == "POST":
        body = case.get("body") or {}
        return lambda: client.post(path, json.dumps(body), content_type="application/json")
    return lambda: client.get(path)


if __name__ == "__main__":
    main()

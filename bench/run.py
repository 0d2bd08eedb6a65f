#!/usr/bin/env python
"""Benchmark the forum as it runs in production, and print a table.

    poetry run python bench/run.py [--size small|medium|large|huge] [--duration 10]
                                   [--connections 8] [--workers 2] [--compare small huge]
                                   [--profile page-auth] [--saved]

For each size it:

1. seeds a database with ``manage.py seed_forum --size SIZE`` (timed, with its peak memory),
   once: the seeded SQLite file is kept in ``bench/.work/SIZE-seedN/`` and copied to a fresh
   file for every run, so that posting comments never leaks into the next run (``--reseed``
   seeds again; a change to seed_forum.py or to the migrations does too);
2. starts the server exactly as ``runserver.py`` does (migrate, collectstatic, gunicorn with
   ``--workers``) on a free loopback port, with ``FORUM_VAR_DIR``/``DATABASE_URL``/``MEDIA_ROOT``
   pointing into that folder;
3. counts the SQL statements of one request per page in-process (``bench/probe.py``, Django's
   ``CaptureQueriesContext`` against the same database), and checks that reads write nothing;
4. logs in as the seeded user ``bench`` (``POST /login``) and loads each page with wrk from
   another process (loopback only, ``--duration`` seconds each after a short warm-up; the
   session cookie goes in a header; posting uses ``bench/post_comment.lua``), reading the
   gunicorn workers' CPU time from ``/proc/<pid>/stat`` before and after each run;
5. prints the table: requests/s, p50 and p99 latency, server CPU ms per request, SQL
   statements (and writes) per request, response bytes, and requests/s as a share of the
   trivial ``/health`` endpoint of the same server (measured first and last; their mean is the
   ceiling), the workers' peak resident memory so far after each page, and their memory at
   the end; results go to ``bench/.work/results-SIZE-seedN-DATABASE.json``.

``--compare A B`` runs both sizes (or, with ``--saved``, reads their saved results) and prints
how much slower each page is at B than at A. ``--profile CASE`` loads that page once more
under py-spy (``pip install py-spy``) and prints where the workers spent their time.
``--database-url`` runs against another, empty database (e.g. PostgreSQL) instead of SQLite.

Needs wrk: ``apt-get install -y wrk`` (Debian). Figures are only as quiet as the machine:
anything else running on it shows up in them.
"""

import argparse
import hashlib
import http.cookies
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
WORK = BENCH / ".work"
SIZES = ("small", "medium", "large", "huge")
SEED_PASSWORD = "seeded-forum-password"  # forum.management.commands.seed_forum.SEED_PASSWORD
BENCH_LOGIN = "bench"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

# (key, label, method, path, logged in, wrk script). {bench}: the seeded 100-comment
# discussion; {biggest}: the public discussion with the most comments.
CASES = [
    ("health", "/health (the ceiling)", "GET", "/health", False, None),
    ("list", "discussion list, anonymous", "GET", "/", False, None),
    ("list-auth", "discussion list, logged in", "GET", "/", True, None),
    ("page", "discussion page 1 of 100 comments, anonymous", "GET", "/t/{bench}/", False, None),
    ("page-auth", "discussion page 1 of 100 comments, logged in", "GET", "/t/{bench}/", True, None),
    ("page-late", "last page of the biggest discussion, anonymous", "GET", "/t/{biggest}/?page=last", False, None),
    ("json-list", "JSON /discussions/list, anonymous", "GET", "/discussions/list", False, None),
    ("json-list-auth", "JSON /discussions/list, logged in", "GET", "/discussions/list", True, None),
    ("json-mine", "JSON /user-discussions/list, logged in", "GET", "/user-discussions/list", True, None),
    ("post", "POST /<id>/comments (JSON), logged in", "POST", "/{bench}/comments", True, "post_comment.lua"),
]
POST_BODY = {"comment_text": "A comment from the benchmark's probe, with **Markdown**."}


def parse_args(argv):
    parser = argparse.ArgumentParser(description="Benchmark the forum under wrk and print a table.")
    parser.add_argument("--size", choices=SIZES, default="small", help="seed_forum size (default small)")
    parser.add_argument("--compare", nargs=2, choices=SIZES, metavar=("A", "B"), help="run sizes A and B, compare")
    parser.add_argument("--saved", action="store_true", help="with --compare: use the saved results, run nothing")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per page (default 10)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of unmeasured load before each page")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (default 8)")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (default 1: the server needs the cores)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--seed", type=int, default=1, help="seed_forum --seed (default 1)")
    parser.add_argument("--reseed", action="store_true", help="seed again even if a seeded database is kept")
    parser.add_argument("--only", help="comma-separated case keys to run (health always runs)")
    parser.add_argument("--profile", help="comma-separated case keys to profile with py-spy afterwards")
    parser.add_argument("--database-url", help="an empty database to use instead of a fresh SQLite file")
    parser.add_argument("--no-seed", action="store_true", help="with --database-url: it is seeded already")
    args = parser.parse_args(argv)
    if args.duration < 1 or args.duration > 120 or args.connections < 1 or args.connections > 256:
        parser.error("keep the load bounded: --duration 1..120 s, --connections 1..256")
    keys = {case[0] for case in CASES}
    for option in ("only", "profile"):
        unknown = set(filter(None, (getattr(args, option) or "").split(","))) - keys
        if unknown:
            parser.error(f"--{option}: unknown case(s) {', '.join(sorted(unknown))}; known: {', '.join(sorted(keys))}")
    return args


def main(argv=None) -> None:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    sizes = args.compare or [args.size]
    results = {}
    for size in sizes:
        if args.saved:
            results[size] = json.loads(results_path(size, args).read_text())
        else:
            require_wrk()
            results[size] = run_size(size, args)
            if not args.only:  # a partial run does not replace a full one
                results_path(size, args).write_text(json.dumps(results[size], indent=2))
        print_table(results[size])
    if args.compare:
        print_comparison(results[sizes[0]], results[sizes[1]])


def require_wrk() -> None:
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed. On Debian/Ubuntu: sudo apt-get install -y wrk")


def results_path(size: str, args) -> Path:
    scheme = args.database_url.split(":", 1)[0] if args.database_url else "sqlite"
    return WORK / f"results-{size}-seed{args.seed}-{scheme}.json"


# --- One size -----------------------------------------------------------------------------


def run_size(size: str, args) -> dict:
    folder = WORK / f"{size}-seed{args.seed}"
    var = folder / "var"
    if var.exists():
        shutil.rmtree(var)
    var.mkdir(parents=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "forum.settings",
        "FORUM_VAR_DIR": str(var),
        "MEDIA_ROOT": str(folder / "media"),
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789abcdef",
        # The one benchmark user posts hundreds of comments a second: a limit that is still
        # counted (its cost is part of posting) but never reached, over a second, so that the
        # history the limiter keeps stays as short as a real person's.
        "WRITE_RATE_LIMITS": json.dumps({"post_comment": "1000000/s/user"}),
    }
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
        seeding = {"seconds": 0, "reused": True} if args.no_seed else seed(size, args, env, None)
    else:
        pristine = folder / "seeded.sqlite3"
        seeding = seed(size, args, {**env, "DATABASE_URL": f"sqlite:///{pristine}"}, pristine)
        database = var / "db.sqlite3"
        shutil.copyfile(pristine, database)
        env["DATABASE_URL"] = f"sqlite:///{database}"
    selected = set(filter(None, (args.only or "").split(","))) | {"health"}
    cases = [case for case in CASES if not args.only or case[0] in selected]
    server = Server(env, args.workers, var / "server.log")
    try:
        server.start()
        probe = run_probe(env, cases)
        cookie = log_in(server.url)
        measured = []
        for key, label, method, path, auth, script in cases:
            path = probe["cases"][key]["path"]
            measured.append(load_case(server, args, key, label, method, path, cookie if auth else None, script))
        if cases[0][0] == "health":  # the ceiling again at the end: the machine may have changed
            measured.append(load_case(server, args, "health-end", "/health (again, at the end)", "GET", "/health", None, None))
        memory = server.memory()
        profiles = {}
        for key in filter(None, (args.profile or "").split(",")):
            case = next(c for c in cases if c[0] == key)
            path = probe["cases"][key]["path"]
            profiles[key] = profile_case(server, args, case, path, cookie if case[4] else None, folder / f"profile-{key}")
    finally:
        server.stop()
    ceiling = [m["rps"] for m in measured if m["key"] in ("health", "health-end") and m["rps"]]
    ceiling_rps = sum(ceiling) / len(ceiling) if ceiling else None
    for m in measured:
        probed = probe["cases"].get(m["key"], {})
        m.update({name: probed.get(name) for name in ("queries", "writes", "status")})
        m["write_statements"] = [sql for sql in probed.get("statements", []) if sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
        m["ratio"] = m["rps"] / ceiling_rps if ceiling_rps and m["rps"] else None
    return {
        "size": size,
        "seed": args.seed,
        "when": datetime.now().isoformat(timespec="seconds"),
        "database": "sqlite" if not args.database_url else args.database_url.split(":", 1)[0],
        "facts": probe["facts"],
        "seeding": seeding,
        "settings": {
            "duration": args.duration, "connections": args.connections, "threads": args.threads,
            "workers": args.workers,
        },
        "machine": machine(),
        "ceiling_rps": ceiling_rps,
        "cases": measured,
        "memory": memory,
        "profiles": profiles,
        "statements": {key: value["statements"] for key, value in probe["cases"].items()},
    }  # fmt: skip


def seed(size: str, args, env: dict, pristine: Path | None) -> dict:
    """Seed (SQLite: once per size, seed and seeding code) and report time and peak memory."""
    manage = [sys.executable, str(ROOT / "manage.py")]
    stamp = seeding_stamp(size, args.seed)
    meta_path = pristine.with_suffix(".json") if pristine else None
    if pristine and pristine.exists() and not args.reseed and meta_path.exists():
        meta = json.loads(meta_path.read_text())
        if meta.get("stamp") == stamp:
            meta["reused"] = True
            print(f"[{size}] reusing the database seeded {meta['when']} ({meta['seconds']:.0f} s to seed)", flush=True)
            return meta
    if pristine:
        for leftover in (pristine, pristine.with_name(pristine.name + "-wal"), pristine.with_name(pristine.name + "-shm")):
            leftover.unlink(missing_ok=True)
        media = Path(env["MEDIA_ROOT"])
        if media.exists():
            shutil.rmtree(media)
    print(f"[{size}] migrating and seeding (manage.py seed_forum --size {size} --seed {args.seed}) ...", flush=True)
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    command = [*manage, "seed_forum", "--size", size, "--seed", str(args.seed)]
    timer = shutil.which("time", path="/usr/bin")
    report = Path(env["FORUM_VAR_DIR"]) / "seed-time.txt"
    if timer:
        command = [timer, "-v", "-o", str(report), *command]
    started = time.monotonic()
    subprocess.run(command, cwd=ROOT, env=env, check=True)
    seconds = time.monotonic() - started
    max_rss_kb = None
    if timer and report.exists():
        found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", report.read_text())
        max_rss_kb = int(found.group(1)) if found else None
    meta = {"stamp": stamp, "when": datetime.now().isoformat(timespec="seconds"), "seconds": seconds,
            "max_rss_mb": max_rss_kb / 1024 if max_rss_kb else None, "reused": False}  # fmt: skip
    if meta_path:
        meta_path.write_text(json.dumps(meta))
    return meta


def seeding_stamp(size: str, seed_value: int) -> str:
    """What a kept seeded database depends on: the seeding code, the migrations, size and seed."""
    digest = hashlib.sha256(f"{size}:{seed_value}".encode())
    digest.update((ROOT / "forum/management/commands/seed_forum.py").read_bytes())
    for app in ("forum", "users"):
        for migration in sorted((ROOT / app / "migrations").glob("*.py")):
            digest.update(migration.name.encode())
    return digest.hexdigest()


def run_probe(env: dict, cases: list) -> dict:
    payload = [
        {"name": key, "method": method, "path": path, "auth": auth, "body": POST_BODY if method == "POST" else None}
        for key, _, method, path, auth, _ in cases
    ]
    done = subprocess.run(
        [sys.executable, str(BENCH / "probe.py")], cwd=ROOT, env=env, input=json.dumps(payload),
        capture_output=True, text=True,
    )  # fmt: skip
    if done.returncode != 0:
        sys.exit(f"bench/probe.py failed:\n{done.stderr}")
    return json.loads(done.stdout)


def log_in(base_url: str) -> str:
    """The session cookie of the seeded user ``bench``, from the JSON login endpoint."""
    body = json.dumps({"identity": BENCH_LOGIN, "password": SEED_PASSWORD}).encode()
    request = urllib.request.Request(f"{base_url}/login", body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        cookies = http.cookies.SimpleCookie()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookies.load(header)
    if "sessionid" not in cookies:
        sys.exit("Logging in as the bench user gave no session cookie.")
    return f"sessionid={cookies['sessionid'].value}"


# --- The server ---------------------------------------------------------------------------


class Server:
    """runserver.py (migrate, collectstatic, gunicorn) on a free loopback port."""

    def __init__(self, env: dict, workers: int, log: Path):
        self.env, self.workers, self.log = env, workers, log
        self.process = None

    def start(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, str(ROOT / "runserver.py"), "--host", "127.0.0.1", "--port", str(self.port),
                   "--workers", str(self.workers)]  # fmt: skip
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"The server stopped (exit {self.process.returncode}):\n{self.log.read_text()[-3000:]}")
            if len(self.worker_pids()) >= self.workers and http_status(f"{self.url}/health") == 200:
                break
            time.sleep(0.5)
        else:
            self.stop()
            sys.exit(f"The server did not answer /health in time:\n{self.log.read_text()[-3000:]}")
        print(f"server: {self.url} (gunicorn pid {self.process.pid}, workers {self.worker_pids()})", flush=True)

    def worker_pids(self) -> list[int]:
        """The gunicorn workers: the children of the master (runserver.py execs gunicorn)."""
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if int(fields[1]) == self.process.pid:
                children.append(int(stat.parent.name))
        return sorted(children)

    def cpu_ticks(self, pids: list[int]) -> int | None:
        """utime + stime of ``pids`` (clock ticks); None if one of them is gone."""
        total = 0
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                return None
            total += int(fields[11]) + int(fields[12])
        return total

    def memory(self) -> list[dict]:
        rows = []
        for pid in self.worker_pids():
            status = Path(f"/proc/{pid}/status").read_text()
            values = dict(re.findall(r"^(VmRSS|VmHWM):\s+(\d+) kB", status, re.M))
            rows.append({"pid": pid, "rss_mb": int(values["VmRSS"]) / 1024, "peak_rss_mb": int(values["VmHWM"]) / 1024})
        return rows

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        workers = self.worker_pids()
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for pid in workers:  # normally gone with the master
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def http_status(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


# --- Load ---------------------------------------------------------------------------------


def wrk_command(args, url: str, seconds: int, cookie: str | None, script: str | None) -> list[str]:
    command = ["wrk", "-t", str(args.threads), "-c", str(args.connections), "-d", f"{seconds}s", "--latency",
               "--timeout", "10s"]  # fmt: skip
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    if script:
        command += ["-s", str(BENCH / script)]
    return [*command, url]


def load_case(server: Server, args, key, label, method, path, cookie, script) -> dict:
    url = f"{server.url}{path}"
    print(f"  {label} ...", end="", flush=True)
    if args.warmup:
        subprocess.run(wrk_command(args, url, args.warmup, cookie, script), capture_output=True, check=True)
    workers = server.worker_pids()
    load_before = os.getloadavg()[0]
    cpu_before = server.cpu_ticks(workers)
    done = subprocess.run(wrk_command(args, url, args.duration, cookie, script), capture_output=True, text=True, check=True)
    cpu_after = server.cpu_ticks(workers)
    result = parse_wrk(done.stdout)
    if cpu_before is not None and cpu_after is not None and server.worker_pids() == workers and result["requests"]:
        result["cpu_ms"] = (cpu_after - cpu_before) / CLOCK_TICKS * 1000 / result["requests"]
    else:
        result["cpu_ms"] = None  # a worker was replaced during the run
    result["bytes"] = response_size(url, method, cookie)
    result["peak_rss_mb"] = max((m["peak_rss_mb"] for m in server.memory()), default=None)
    result.update(key=key, label=label, method=method, path=path, auth=bool(cookie), loadavg=load_before)
    print(f" {rate(result['rps'])} req/s, p99 {fmt(result['p99_ms'], '.1f')} ms", flush=True)
    return result


def parse_wrk(output: str) -> dict:
    def duration_ms(value: str, unit: str) -> float:
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]

    percentiles = {p: duration_ms(v, u) for p, v, u in re.findall(r"^\s+(\d+)%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.M)}
    requests = re.search(r"(\d+) requests in", output)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return {
        "rps": float(rps.group(1)) if rps else 0.0,
        "requests": int(requests.group(1)) if requests else 0,
        "p50_ms": percentiles.get("50"),
        "p99_ms": percentiles.get("99"),
        "errors": (int(non_2xx.group(1)) if non_2xx else 0) + (sum(map(int, sockets.groups())) if sockets else 0),
        "wrk": output,
    }


def response_size(url: str, method: str, cookie: str | None) -> int | None:
    """The body size of one response (a GET; for the POST, one comment more)."""
    headers = {"Cookie": cookie} if cookie else {}
    data = None
    if method == "POST":
        data = json.dumps(POST_BODY).encode()
        headers["Content-Type"] = "application/json"
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data, headers, method=method), timeout=30) as response:
            return len(response.read())
    except urllib.error.HTTPError as error:
        return len(error.read())


# --- Profiling ----------------------------------------------------------------------------


def profile_case(server: Server, args, case, path: str, cookie, output: Path) -> dict:
    """Load the page once more while py-spy samples both workers; summarise where time went."""
    spy = shutil.which("py-spy", path=str(Path(sys.executable).parent)) or shutil.which("py-spy")
    if spy is None:
        print("  (py-spy is not installed: pip install py-spy; no profile)")
        return {}
    key, label, method, _, _, script = case
    raw = output.with_suffix(".txt")
    print(f"  profiling {label} with py-spy ...", flush=True)
    recorder = subprocess.Popen(
        [spy, "record", "--pid", str(server.process.pid), "--subprocesses", "--rate", "250", "--nonblocking",
         "--duration", str(args.duration), "--format", "raw", "--output", str(raw)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    time.sleep(1)
    subprocess.run(wrk_command(args, f"{server.url}{path}", args.duration, cookie, script), capture_output=True)
    _, error = recorder.communicate(timeout=120)
    if not raw.exists():
        print(f"  py-spy failed: {error.decode()[-500:]}")
        return {}
    summary = summarise_profile(raw)
    summary["raw"] = str(raw.relative_to(ROOT))
    print_profile(label, summary)
    return summary


# Where a sample's time goes: the first rule matching a frame, from the innermost frame out.
PROFILE_BUCKETS = [
    ("database: running SQL", ("CursorWrapper.execute", "Cursor.execute", "psycopg/")),
    ("database: connecting and closing", ("get_new_connection", "BaseDatabaseWrapper._close", "ensure_connection")),
    ("Markdown rendering", ("markdown_it/", "nh3", "render_markdown")),
    ("templates: rendering", ("django/template/", "django/templatetags/", "humanize/", "crispy_forms/")),
    ("ORM: rows into model instances", (
        "apply_converters", "results_iter", "Model.__init__", "from_db", "RelatedPopulator", "ModelIterable",
        "convert_", "prefetch_one_level", "_prefetch_related_objects", "Signal.send",
    )),
    ("ORM: building and compiling queries", (
        "django/db/models/sql/", "django/db/models/expressions.py", "django/db/models/lookups.py",
        "django/db/models/query.py", "django/db/models/query_utils.py", "django/db/models/fields/related",
    )),
    ("ORM: other", ("django/db/models/", "django/db/backends/")),
    ("JSON: serialising", ("json/encoder.py", "forum/serializers.py", "users/serializers.py")),
    ("URL reversing", ("django/urls/",)),
    ("sessions, auth, middleware", ("django/contrib/sessions/", "django/contrib/auth/", "allauth/", "middleware", "django/middleware/")),
    ("gunicorn, WSGI, request and response", ("gunicorn/", "django/core/handlers/", "django/http/")),
]


def summarise_profile(raw: Path, top: int = 25) -> dict:
    """From py-spy's collapsed stacks (idle workers left out): the share of busy time per
    bucket (``PROFILE_BUCKETS``), per function of the project's own code (inclusive), and per
    innermost function (self)."""
    own, inclusive, buckets, total = Counter(), Counter(), Counter(), 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = [frame for frame in stack.split(";") if not frame.startswith("process ")]
        if not frames or any(idle in frames[-1] for idle in ("wait (selectors.py", "sleep (gunicorn", "select (")):
            continue  # a worker waiting for a request
        count = int(count)
        total += count
        own[frames[-1]] += count
        for frame in set(frames):
            if frame.endswith(".py:0)") or not any(part in frame for part in ("(forum/", "(users/")):
                continue
            inclusive[frame] += count
        buckets[_bucket(frames)] += count
    share = lambda counter: [(round(100 * n / max(total, 1), 1), frame) for frame, n in counter.most_common(top)]  # noqa: E731
    return {"samples": total, "buckets": share(buckets), "project": share(inclusive), "self": share(own)}


def _bucket(frames: list[str]) -> str:
    for frame in reversed(frames):
        for name, needles in PROFILE_BUCKETS:
            if any(needle in frame for needle in needles):
                return name
    return "other"


def print_profile(label: str, summary: dict) -> None:
    print(f"\nProfile of {label} ({summary['samples']} busy samples)\nwhere the time went:")
    for percent, bucket in summary["buckets"]:
        print(f"  {percent:5.1f}%  {bucket}")
    print("the project's own functions (inclusive):")
    for percent, frame in summary["project"][:15]:
        print(f"  {percent:5.1f}%  {frame}")
    print("innermost functions (self):")
    for percent, frame in summary["self"][:12]:
        print(f"  {percent:5.1f}%  {frame}")


# --- Output -------------------------------------------------------------------------------


def machine() -> dict:
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "wrk": (wrk.stdout or wrk.stderr).split("\n")[0].strip(),
    }


def fmt(value, spec: str, missing: str = "–") -> str:
    return missing if value is None else format(value, spec)


def rate(rps: float) -> str:
    return f"{rps:.1f}" if rps < 10 else f"{rps:.0f}"


def print_table(result: dict) -> None:
    facts, seeding = result["facts"], result["seeding"]
    settings = result["settings"]
    print()
    print(
        f"## {result['size']}: {facts['users']:,} users, {facts['discussions']:,} discussions, "
        f"{facts['comments']:,} comments (biggest discussion: {facts['biggest_comments']:,}), {result['database']}"
    )
    print(
        f"gunicorn {settings['workers']} workers; wrk {settings['threads']} thread, {settings['connections']} "
        f"connections, {settings['duration']} s per page; {result['machine']['cpus']} CPUs; {result['when']}"
    )
    seeded = f"seeded in {seeding['seconds']:.0f} s" + (f", peak RSS {seeding['max_rss_mb']:.0f} MB" if seeding.get("max_rss_mb") else "")
    print(seeded + (" (kept from an earlier run)" if seeding.get("reused") else ""))
    print()
    print("| page | req/s | p50 ms | p99 ms | CPU ms/req | SQL (writes) | bytes | vs /health | worker peak MB | errors |")
    print("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
    for case in result["cases"]:
        sql = "–" if case.get("queries") is None else f"{case['queries']} ({case['writes']})"
        print(
            f"| {case['label']} | {rate(case['rps'])} | {fmt(case['p50_ms'], '.1f')} | {fmt(case['p99_ms'], '.1f')} "
            f"| {fmt(case['cpu_ms'], '.1f')} | {sql} | {fmt(case['bytes'], ',')} "
            f"| {fmt(case['ratio'] and 100 * case['ratio'], '.1f')}% | {fmt(case.get('peak_rss_mb'), '.0f')} "
            f"| {case['errors']} |"
        )
    loads = [case["loadavg"] for case in result["cases"]]
    workers = ", ".join(f"{m['rss_mb']:.0f} MB (peak {m['peak_rss_mb']:.0f})" for m in result["memory"])
    print(f"\nworkers' resident memory at the end: {workers}")
    print(f"1-minute load average before each page: {min(loads):.1f} to {max(loads):.1f} on {result['machine']['cpus']} CPUs")
    for case in result["cases"]:
        if case["method"] == "GET" and case.get("writes"):
            print(f"note: {case['label']} writes: {case['write_statements']}")


def print_comparison(first: dict, second: dict) -> None:
    a, b = first["size"], second["size"]
    print(f"\n## {b} ({second['facts']['comments']:,} comments) against {a} ({first['facts']['comments']:,} comments)")
    print(f"| page | p50 {a} | p50 {b} | ×p50 | p99 {a} | p99 {b} | ×p99 | CPU ms {a} | CPU ms {b} | ×CPU | ×1/req/s |")
    print("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
    others = {case["key"]: case for case in second["cases"]}
    ratio = lambda x, y: None if not x or not y else y / x  # noqa: E731
    for case in first["cases"]:
        other = others.get(case["key"])
        if other is None:
            continue
        print(
            f"| {case['label']} | {fmt(case['p50_ms'], '.1f')} | {fmt(other['p50_ms'], '.1f')} "
            f"| {fmt(ratio(case['p50_ms'], other['p50_ms']), '.2f')} | {fmt(case['p99_ms'], '.1f')} "
            f"| {fmt(other['p99_ms'], '.1f')} | {fmt(ratio(case['p99_ms'], other['p99_ms']), '.2f')} "
            f"| {fmt(case['cpu_ms'], '.1f')} | {fmt(other['cpu_ms'], '.1f')} | {fmt(ratio(case['cpu_ms'], other['cpu_ms']), '.2f')} "
            f"| {fmt(ratio(other['rps'], case['rps']), '.2f')} |"
        )
    print(
        f"(×: the {b} figure over the {a} one; 1.00 is no slowdown, the target at most 1.2. Server CPU per "
        "request is the steadiest of these on a shared machine.)"
    )


if __name__ == "__main__":
    main()

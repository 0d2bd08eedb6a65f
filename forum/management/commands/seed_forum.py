"""Fill a database with a realistic forum at a chosen size: ``manage.py seed_forum``.

    python manage.py seed_forum [--size small|medium|large|huge] [--users N] [--discussions N]
                                [--comments N] [--seed 1] [--long-discussion 100]

Sizes (users / discussions / comments): small 500 / 1 000 / 10 000 (the default), medium
5 000 / 10 000 / 100 000, large 20 000 / 40 000 / 400 000, huge 50 000 / 100 000 / 1 000 000.
``--users``, ``--discussions`` and ``--comments`` override the size's numbers.

What it writes, as the forum's services would have:

- users with unique logins and emails (and allauth email addresses), a third with phone
  numbers, about 1% moderators, one admin, some with profile images. Every seeded user has the
  password ``SEED_PASSWORD`` (below): its hash is computed once and shared by all rows.
  Fixed accounts: ``seed.admin`` (admin), ``seed.moderator`` (moderator) and ``bench`` (a
  regular user taking part in about 100 discussions, the benchmark's logged-in user);
- discussions created over the past months, public and private (private ones with invited
  participants, who alone write in them), a few pinned and some locked;
- comments in Markdown of varied length (paragraphs, lists, links, code, quotes), rendered to
  ``Comment.html`` by ``forum.markdown.render_markdown`` (each distinct text rendered once), a
  share of them replies to an earlier comment of the same discussion, a few edited or deleted;
  every author is a participant of the discussion;
- attachments: a handful of small images made once with Pillow and stored through Django's
  storage, each referenced by many ``Upload`` rows; every attached upload is attached once;
- ``BENCH_DISCUSSION_NAME``: a public discussion with exactly ``--long-discussion`` comments
  (default 100), the page the benchmark (bench/run.py) loads.

The kept counters (``comments_count``, ``last_activity_at``) are computed while generating, so
each discussion row is written once. Rows go in with multi-row INSERTs of ``--batch-size``
rows (``Table``: ``bulk_create`` without the model instances), written every ``--chunk``
comments; nothing but the user ids is kept across chunks, so memory stays flat at any size.
It all happens in one transaction, with the comment and participant tables' non-unique
indexes dropped for the load and built again at its end (``_secondary_indexes_dropped``): a
seed that fails or is stopped leaves the database as it was. The same ``--seed`` gives the
same data; times are counted back from ``--now`` (default: the start of the current UTC day).

The forum must hold no discussion yet (``manage.py flush`` empties it); existing users are
kept, and a seeded login that is already taken stops the command before it writes anything.
"""

import io
import random
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from types import SimpleNamespace

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import NOT_PROVIDED
from django.db.models.fields import AutoFieldMixin
from django.db.models.functions import Lower
from django.utils.dateparse import parse_datetime
from PIL import Image, ImageDraw

from forum.models import Comment, CommentAttachment, Discussion, Participant, Visibility
from users.models import Role, Upload, User, upload_path

try:  # written with the comment-rendering work; without it, seeded comments keep html empty
    from forum.markdown import render_markdown
except ImportError:  # pragma: no cover
    render_markdown = None

SEED_PASSWORD = "seeded-forum-password"
ADMIN_LOGIN = "seed.admin"
MODERATOR_LOGIN = "seed.moderator"
BENCH_LOGIN = "bench"
BENCH_DISCUSSION_NAME = "Benchmark: a long discussion"
# How many discussions the bench user takes part in, at any size (so their list costs the same).
BENCH_USER_DISCUSSIONS = 100

SIZES = {
    "small": (500, 1_000, 10_000),
    "medium": (5_000, 10_000, 100_000),
    "large": (20_000, 40_000, 400_000),
    "huge": (50_000, 100_000, 1_000_000),
}

SHARE_PRIVATE = 0.10
SHARE_LOCKED = 0.02
PINNED_PER_10K = 3  # pinned discussions per 10 000 (at least 2)
SHARE_MODERATORS = 0.01
SHARE_WITH_PHONE = 0.30
SHARE_WITH_AVATAR = 0.10
SHARE_BANNED = 0.002
SHARE_REPLIES = 0.30
SHARE_ATTACHING = 0.01  # comments with one or two image attachments
SHARE_EDITED = 0.03
SHARE_DELETED = 0.01
DISTINCT_TEXTS = 2_000


class Command(BaseCommand):
    help = "Fill the database with a realistic forum (users, discussions, comments) at a chosen size."

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=list(SIZES), default="small", help="preset numbers (default small)")
        parser.add_argument("--users", type=int, help="number of users (overrides --size)")
        parser.add_argument("--discussions", type=int, help="number of discussions (overrides --size)")
        parser.add_argument("--comments", type=int, help="number of comments (overrides --size)")
        parser.add_argument("--seed", type=int, default=1, help="random seed: the same seed, the same data")
        parser.add_argument(
            "--long-discussion", type=int, default=100, dest="long_discussion",
            help=f"comments in the discussion named {BENCH_DISCUSSION_NAME!r} (default 100; 0: none)",
        )
        parser.add_argument("--months", type=int, default=12, help="how far back discussions start (default 12)")
        parser.add_argument("--now", help="ISO time the data ends at (default: today 00:00 UTC)")
        parser.add_argument("--batch-size", type=int, default=2_000, help="rows per INSERT (default 2000)")
        parser.add_argument("--chunk", type=int, default=20_000, help="comments generated between writes (default 20000)")

    def handle(self, *args, **options):
        users, discussions, comments = SIZES[options["size"]]
        plan = Plan(
            users=options["users"] if options["users"] is not None else users,
            discussions=options["discussions"] if options["discussions"] is not None else discussions,
            comments=options["comments"] if options["comments"] is not None else comments,
            long_discussion=options["long_discussion"],
            seed=options["seed"],
            months=options["months"],
            now=_parse_now(options["now"]),
            batch_size=options["batch_size"],
            chunk=options["chunk"],
        )
        plan.check()
        if Discussion.objects.exists():
            raise CommandError("The forum has discussions already: seed an empty database (manage.py flush).")
        progress = options["verbosity"] > 0
        started = time.monotonic()
        stderr = self.stderr if progress else None
        # One transaction: a seed that fails or is killed leaves the database as it was.
        with _fast_bulk_writes(), transaction.atomic():
            with _secondary_indexes_dropped((Comment, Participant), stderr):
                summary = Seeder(plan, stderr=stderr).run()
        if options["verbosity"] > 0:
            elapsed = time.monotonic() - started
            self.stdout.write(
                f"Seeded {summary['users']:,} users, {summary['discussions']:,} discussions, "
                f"{summary['comments']:,} comments ({summary['participants']:,} participants, "
                f"{summary['attachments']:,} attachments) in {elapsed:.1f} s. "
                f"Every seeded user's password: {SEED_PASSWORD}"
            )
            if render_markdown is None:
                self.stdout.write("forum.markdown.render_markdown is missing: comment html left empty.")


def _parse_now(value: str | None) -> datetime:
    if not value:
        today = datetime.now(UTC)
        return today.replace(hour=0, minute=0, second=0, microsecond=0)
    parsed = parse_datetime(value)
    if parsed is None:
        raise CommandError("--now must be an ISO 8601 time.")
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class _fast_bulk_writes:
    """Per-connection settings that make a bulk load cheaper; undone afterwards. SQLite: a
    rollback journal, no fsync and a larger page cache (128 MiB); PostgreSQL: asynchronous commit. Left alone inside
    an outer transaction (a test's), where SQLite refuses them. PostgreSQL's statistics are
    refreshed at the end (autovacuum would do it soon after); SQLite gets none, as a forum that
    Django migrated has none."""

    def __enter__(self):
        self.vendor = None if connection.in_atomic_block else connection.vendor
        with connection.cursor() as cursor:
            if self.vendor == "sqlite":
                # A rollback journal instead of the WAL for the load: pages are written once,
                # not to the WAL and then again at the checkpoint. (It stays WAL if another
                # connection is open; the settings set WAL again on every new connection.)
                cursor.execute("PRAGMA journal_mode=DELETE")
                cursor.execute("PRAGMA synchronous=OFF")
                cursor.execute("PRAGMA cache_size=-131072")
            elif self.vendor == "postgresql":
                cursor.execute("SET synchronous_commit TO OFF")
        return self

    def __exit__(self, *exc):
        with connection.cursor() as cursor:
            if self.vendor == "sqlite":
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA synchronous=NORMAL")
                cursor.execute("PRAGMA cache_size=-2000")
            elif self.vendor == "postgresql":
                cursor.execute("SET synchronous_commit TO ON")
        if self.vendor == "postgresql" and not exc[0]:
            with connection.cursor() as cursor:  # fresh statistics for the planner
                cursor.execute("ANALYZE")
        return False


class _secondary_indexes_dropped:
    """Drop the non-unique indexes of the big tables for the load and create them again at
    the end, from the definitions the database itself holds (what the migrations made). Each
    new row would otherwise update half a dozen B-trees at random places (UUID keys), which
    is most of the load's time once they outgrow the page cache; one sort per index at the end
    is far cheaper. Run inside the seed's transaction, so a failed or killed seed keeps them:
    SQLite and PostgreSQL roll DDL back. Other databases keep their indexes throughout."""

    def __init__(self, models, stderr=None):
        self.models, self.stderr = models, stderr
        self.definitions: list[tuple[str, str]] = []

    def __enter__(self):
        if not connection.in_atomic_block:
            raise RuntimeError("Drop indexes only inside a transaction.")
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            for model in self.models:
                self.definitions += _index_definitions(cursor, model._meta.db_table)
            for name, _ in self.definitions:
                cursor.execute(f"DROP INDEX {quote(name)}")
        return self

    def __exit__(self, exc_type, *exc):
        if exc_type is not None:
            return False  # the transaction's rollback brings them back
        progress = Progress("indexes", len(self.definitions), self.stderr)
        with connection.cursor() as cursor:
            for _, definition in self.definitions:
                cursor.execute(definition)
                progress.advance(1)
        progress.close()
        return False


def _index_definitions(cursor, table: str) -> list[tuple[str, str]]:
    """(name, CREATE INDEX statement) of ``table``'s non-unique indexes, as the database has them."""
    if connection.vendor == "sqlite":
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL", [table])
    elif connection.vendor == "postgresql":
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = %s",
            [table],
        )
    else:
        return []
    return [(name, sql) for name, sql in cursor.fetchall() if sql.upper().startswith("CREATE INDEX")]


@dataclass
class Plan:
    users: int
    discussions: int
    comments: int
    long_discussion: int
    seed: int
    months: int
    now: datetime
    batch_size: int
    chunk: int

    def check(self):
        if self.users < 3:
            raise CommandError("Seed at least 3 users (the admin, a moderator and the bench user).")
        if self.discussions < 1 or self.comments < 0:
            raise CommandError("Seed at least one discussion and no negative number of comments.")
        if self.long_discussion < 0 or self.long_discussion > self.comments:
            raise CommandError("--long-discussion cannot be negative or more than --comments.")
        if self.long_discussion and self.discussions < 2 and self.comments > self.long_discussion:
            raise CommandError("With a long discussion, the other comments need a second discussion.")
        if self.batch_size < 1 or self.chunk < 1 or self.months < 1:
            raise CommandError("--batch-size, --chunk and --months must be positive.")


# --- Progress ---------------------------------------------------------------------------------


class Progress:
    """A plain progress bar on stderr: redrawn in place on a terminal, a line per 10% elsewhere."""

    WIDTH = 30

    def __init__(self, label: str, total: int, stream):
        self.label, self.total, self.stream = label, max(total, 1), stream
        self.done = 0
        self.started = time.monotonic()
        self.last_drawn = 0.0
        self.last_tenth = -1
        self.tty = bool(stream) and hasattr(stream, "isatty") and stream.isatty()

    def advance(self, count: int) -> None:
        self.done += count
        if self.stream is None:
            return
        now = time.monotonic()
        if self.tty and now - self.last_drawn >= 0.1:
            self.last_drawn = now
            self._draw(end="\r")
        elif not self.tty and (tenth := self.done * 10 // self.total) > self.last_tenth:
            self.last_tenth = tenth
            self._draw(end="\n")

    def close(self) -> None:
        if self.stream is not None:
            if self.tty or self.last_tenth < 10:
                self._draw(end="\n")

    def _draw(self, end: str) -> None:  # ``stream`` is a command's OutputWrapper (no newline added)
        fraction = min(1.0, self.done / self.total)
        filled = int(fraction * self.WIDTH)
        elapsed = time.monotonic() - self.started
        rate = self.done / elapsed if elapsed > 0 else 0.0
        eta = (self.total - self.done) / rate if rate > 0 else 0.0
        bar = "#" * filled + "." * (self.WIDTH - filled)
        self.stream.write(
            f"{self.label:<12} [{bar}] {fraction:4.0%} {self.done:>10,}/{self.total:,}"
            f"  {elapsed:5.1f}s  eta {eta:5.1f}s{end}",
            ending="",
        )
        self.stream.flush()


# --- Text -------------------------------------------------------------------------------------

FIRST_NAMES = (
    "Ada Alan Alice Amara Anna Arjun Ben Carla Chen Chloe Dara David Diego Elena Emma Eva Farah Felix "
    "Grace Hana Hugo Ines Ivan Jamal Jana Jonas Julia Kai Karim Lara Leo Lina Lucas Maya Mei Mia Nadia "
    "Nils Noah Nora Omar Oscar Paula Priya Rafael Rosa Sam Sara Sofia Tariq Theo Uma Victor Yara Yusuf Zoe"
).split()
LAST_NAMES = (
    "Abe Adler Baker Becker Costa Dubois Eriksen Fischer Garcia Gomez Hansen Ito Jensen Kaur Khan Kim "
    "Kowalski Larsen Lee Lopez Martin Meyer Moreau Nakamura Novak Okafor Olsen Park Patel Perez Rossi "
    "Santos Schmidt Silva Singh Smith Sousa Tanaka Turner Varga Wagner Wang Weber Wong Yamamoto Zhang"
).split()
TOPICS = (
    "migrations,query performance,the admin,template caching,htmx swaps,forms,signals,the ORM,"
    "PostgreSQL indexes,SQLite in production,gunicorn workers,static files,Redis caching,"
    "background jobs,file uploads,image thumbnails,password resets,email delivery,rate limits,"
    "pagination,full-text search,time zones,unit tests,browser tests,CI pipelines,Docker images,"
    "deployment,backups,logging,monitoring,accessibility,dark mode,Markdown rendering,"
    "keyboard shortcuts,mobile layout,translations,API design,JSON serializers,websockets,"
    "session handling,permissions,moderation tools,spam filtering,notifications,RSS feeds"
).split(",")
TITLE_PATTERNS = (
    "How do you handle {topic}?",
    "Question about {topic}",
    "{Topic}: what is the best approach?",
    "Trouble with {topic} after upgrading",
    "Share your setup for {topic}",
    "Is {topic} worth it for a small site?",
    "{Topic} is slow on large tables",
    "Proposal: better {topic}",
    "Weekly thread: {topic}",
    "Beginner question on {topic}",
    "{Topic} and {other}: how do they fit together?",
    "Lessons learned from {topic} in production",
)
WORDS = (
    "the a an this that it we you they I our your some every each query page cache index table row "
    "column server worker request response template view model form field user comment thread post "
    "reply list link image file upload test build deploy release version bug fix patch change setting "
    "option value error warning log time date week month year fast slow simple clear small large "
    "works fails breaks helps shows hides returns renders saves loads reads writes counts sorts "
    "because when while after before since until although however still also just only really "
    "probably maybe definitely usually often sometimes never always here there now then again "
    "with without from into over under about between through across for of to in on at by as "
    "and but or so if then than not no yes more less most least very quite rather"
).split()
CODE_SNIPPETS = (
    "```python\nfrom django.db.models import Count\n\nqs = Discussion.objects.annotate(n=Count(\"comments\"))\nprint(qs.query)\n```",
    "```sql\nEXPLAIN QUERY PLAN\nSELECT * FROM forum_comment\nWHERE discussion_id = ?\nORDER BY created_at, id\nLIMIT 20;\n```",
    "```bash\npoetry run python manage.py migrate\npoetry run pytest -q\n```",
    "```python\n@transaction.atomic\ndef do_thing(*, actor, target):\n    check_do_thing(actor, target)\n    target.save(update_fields=[\"state\"])\n```",
    "```html\n<div hx-get=\"/t/1/comments/new/\" hx-trigger=\"every 5s\" hx-swap=\"outerHTML\"></div>\n```",
    "```\nTraceback (most recent call last):\n  File \"manage.py\", line 22, in <module>\nOperationalError: database is locked\n```",
    "```js\ndocument.body.addEventListener(\"htmx:afterSwap\", (event) => console.log(event.detail));\n```",
)
LINK_TARGETS = (
    "https://docs.djangoproject.com/en/stable/topics/db/optimization/",
    "https://www.sqlite.org/wal.html",
    "https://www.postgresql.org/docs/current/indexes.html",
    "https://htmx.org/docs/",
    "https://example.com/blog/post-{n}",
    "https://github.com/example/project/issues/{n}",
)


class TextMaker:
    """Markdown comments of varied length, and discussion titles, from one random stream."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def sentence(self) -> str:
        rng = self.rng
        words = [rng.choice(WORDS) for _ in range(rng.randint(5, 18))]
        if rng.random() < 0.25:
            i = rng.randrange(len(words))
            words[i] = rng.choice(("**{}**", "*{}*", "`{}`")).format(words[i])
        if rng.random() < 0.12:
            target = rng.choice(LINK_TARGETS).format(n=rng.randint(1, 9999))
            words.append(f"[{rng.choice(TOPICS)}]({target})")
        text = " ".join(words)
        return text[0].upper() + text[1:] + rng.choice(".....?!")

    def paragraph(self) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(1, 4)))

    def block(self) -> str:
        rng = self.rng
        kind = rng.random()
        if kind < 0.55:
            return self.paragraph()
        if kind < 0.72:
            marker = rng.choice(("-", "*", "1."))
            return "\n".join(f"{marker} {self.sentence()}" for _ in range(rng.randint(2, 6)))
        if kind < 0.86:
            return rng.choice(CODE_SNIPPETS)
        if kind < 0.95:
            return "> " + self.sentence()
        return f"### {rng.choice(TOPICS).capitalize()}\n\n{self.paragraph()}"

    def comment(self) -> str:
        rng = self.rng
        length = rng.random()
        if length < 0.5:
            return self.sentence() if rng.random() < 0.5 else self.paragraph()
        blocks = rng.randint(2, 3) if length < 0.85 else rng.randint(4, 8)
        return "\n\n".join(self.block() for _ in range(blocks))

    def title(self) -> str:
        rng = self.rng
        topic, other = rng.sample(TOPICS, 2)
        pattern = rng.choice(TITLE_PATTERNS)
        return pattern.format(topic=topic, Topic=topic[0].upper() + topic[1:], other=other)


# --- Images -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredImage:
    file: str
    thumbnail: str
    content_type: str
    size: int
    width: int
    height: int
    name: str


def _store_images(rng: random.Random, when: datetime) -> tuple[list[StoredImage], list[StoredImage]]:
    """A few small images (attachments) and square ones (profile images), made with Pillow and
    stored once through Django's storage; the seeded Upload rows share them."""
    attachments = [
        _store_image(rng, when, (640, 480), "PNG", "screenshot.png"),
        _store_image(rng, when, (800, 600), "JPEG", "photo.jpg"),
        _store_image(rng, when, (480, 640), "JPEG", "phone-photo.jpg"),
        _store_image(rng, when, (1024, 512), "PNG", "diagram.png"),
        _store_image(rng, when, (300, 200), "PNG", "error-message.png"),
    ]
    avatars = [_store_image(rng, when, (256, 256), "PNG", f"avatar-{i}.png", avatar=True) for i in range(4)]
    return attachments, avatars


def _store_image(rng, when, size, fmt, name, *, avatar=False) -> StoredImage:
    background = tuple(rng.randint(30, 230) for _ in range(3))
    image = Image.new("RGB", size, background)
    draw = ImageDraw.Draw(image)
    if avatar:
        draw.ellipse((40, 40, size[0] - 40, size[1] - 40), fill=tuple(255 - c for c in background))
    else:
        for _ in range(12):
            x0, y0 = rng.randrange(size[0]), rng.randrange(size[1])
            x1, y1 = x0 + rng.randint(20, size[0] // 2), y0 + rng.randint(20, size[1] // 2)
            draw.rectangle((x0, y0, x1, y1), fill=tuple(rng.randint(0, 255) for _ in range(3)))
    content_type = "image/png" if fmt == "PNG" else "image/jpeg"
    extension = ".png" if fmt == "PNG" else ".jpg"
    owner = SimpleNamespace(created_at=when)
    data = _encode(image, fmt)
    thumbnail = image.copy()
    thumbnail.thumbnail((320, 320))
    file_name = default_storage.save(upload_path(owner, f"file{extension}"), ContentFile(data))
    thumb_name = default_storage.save(upload_path(owner, f"thumbnail{extension}"), ContentFile(_encode(thumbnail, fmt)))
    return StoredImage(file_name, thumb_name, content_type, len(data), size[0], size[1], name)


def _encode(image: Image.Image, fmt: str) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **({"quality": 85} if fmt == "JPEG" else {}))
    return buffer.getvalue()


# --- Writing rows -----------------------------------------------------------------------------


def _uuid_hex(rng: random.Random) -> str:
    """A random (version 4) UUID from ``rng``, as the 32 hex digits Django stores on SQLite."""
    bits = rng.getrandbits(128)
    bits = (bits & ~(0xF000 << 64) | (0x4000 << 64)) & ~(0xC000 << 48) | (0x8000 << 48)
    return f"{bits:032x}"


def _aware(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, UTC)


@cache
def _day_prefix(day: int) -> str:
    return (date(1970, 1, 1) + timedelta(days=day)).isoformat() + " "


@cache
def _clock_times() -> list[str]:
    return [f"{h:02d}:{m:02d}:{s:02d}" for h in range(24) for m in range(60) for s in range(60)]


def _sqlite_datetime(timestamp: float | None) -> str | None:
    """What Django stores on SQLite for this time (``str()`` of the naive UTC datetime), about
    three times faster than building the datetime: a million comments have a million times."""
    if timestamp is None:
        return None
    seconds = int(timestamp)
    micro = int((timestamp - seconds) * 1_000_000)
    day, second = divmod(seconds, 86_400)
    clock = _day_prefix(day) + _clock_times()[second]
    return f"{clock}.{micro:06d}" if micro else clock


class Table:
    """Rows of one model's table, written with multi-row INSERTs of ``batch_size`` rows.

    ``bulk_create`` builds a model instance per row and compiles every value through the ORM:
    about 150 µs a row on this kind of machine, most of the time of a million-comment seed.
    This writes plain tuples instead, for the ``columns`` named (attnames, in order); ids are
    given as 32 hex digits and times as Unix timestamps, adapted here for the database (SQLite
    stores what Django would; PostgreSQL gets native values; another backend goes through each
    field's ``get_db_prep_save``). Every other column gets its field's default, computed once,
    so a field added later with a default needs no change here; an auto-increment primary key
    and columns with a database default are left to the database.
    """

    def __init__(self, model, columns: tuple[str, ...], batch_size: int):
        fields = {f.attname: f for f in model._meta.concrete_fields}
        given = [fields[name] for name in columns]
        rest = [
            f for f in model._meta.concrete_fields
            if f.attname not in columns and not isinstance(f, AutoFieldMixin) and f.db_default is NOT_PROVIDED
        ]
        self.tail = tuple(f.get_db_prep_save(f.get_default(), connection) for f in rest)
        names = [f.column for f in given + rest]
        self.width = len(names)
        self.conversions = [(i, self._conversion(f)) for i, f in enumerate(given)]
        self.conversions = [(i, convert) for i, convert in self.conversions if convert is not None]
        quote = connection.ops.quote_name
        self.head = f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(n) for n in names)}) VALUES "
        self.placeholder = "(" + ", ".join(["%s"] * self.width) + ")"
        max_params = connection.features.max_query_params or 65_535
        self.batch_size = max(1, min(batch_size, max_params // self.width))
        self.rows: list = []
        self.written = 0

    @staticmethod
    def _conversion(field):
        kind = (field.target_field if field.is_relation else field).get_internal_type()
        vendor = connection.vendor
        if kind == "UUIDField":
            if vendor in ("sqlite", "postgresql"):
                return None  # SQLite stores the hex digits; PostgreSQL parses them
            return lambda v: None if v is None else field.get_db_prep_save(uuid.UUID(v), connection)
        if kind == "DateTimeField":
            if vendor == "sqlite":
                return _sqlite_datetime
            if vendor == "postgresql":
                return lambda v: None if v is None else _aware(v)
            return lambda v: None if v is None else field.get_db_prep_save(_aware(v), connection)
        if vendor in ("sqlite", "postgresql"):
            return None
        return lambda v: field.get_db_prep_save(v, connection)

    def add(self, *values) -> None:
        if self.conversions:
            values = list(values)
            for i, convert in self.conversions:
                values[i] = convert(values[i])
        self.rows.append((*values, *self.tail))

    def flush(self, cursor) -> None:
        """INSERT the rows held. SQLite: one prepared statement run for every row (the fastest
        there); elsewhere, one multi-row INSERT per batch (one round trip for many rows)."""
        rows, size = self.rows, self.batch_size
        for first in range(0, len(rows), size):
            batch = rows[first : first + size]
            if connection.vendor == "sqlite":
                cursor.executemany(self.head + self.placeholder, batch)
            else:
                sql = self.head + ", ".join([self.placeholder] * len(batch))
                cursor.execute(sql, [value for row in batch for value in row])
        self.written += len(rows)
        self.rows = []


# --- Seeding ----------------------------------------------------------------------------------


class Seeder:
    def __init__(self, plan: Plan, stderr=None):
        self.plan = plan
        self.stderr = stderr
        self.now = plan.now.timestamp()
        self.start = self.now - 30 * 86_400 * plan.months
        size = plan.batch_size
        self.users = Table(
            User,
            ("id", "login", "email", "phone_number", "phone_verified", "firstname", "lastname", "password",
             "role_type", "is_staff", "is_superuser", "is_banned", "ban_reason", "profile_image_id", "date_joined"),
            size,
        )  # fmt: skip
        self.emails = Table(EmailAddress, ("user_id", "email", "verified", "primary"), size)
        self.uploads = Table(
            Upload,
            ("id", "owner_id", "file", "thumbnail", "content_type", "name", "size", "width", "height", "created_at"),
            size,
        )
        self.discussions = Table(
            Discussion,
            ("id", "name", "creator_id", "visibility", "is_locked", "is_pinned", "created_at", "last_activity_at",
             "comments_count"),
            size,
        )  # fmt: skip
        self.participants = Table(Participant, ("discussion_id", "user_id", "invited_by_id", "joined_at"), size)
        self.comments = Table(
            Comment,
            ("id", "discussion_id", "author_id", "text", "html", "replied_to_id", "created_at", "edited_at",
             "is_deleted", "deleted_at", "deleted_by_id"),
            size,
        )  # fmt: skip
        self.attachments = Table(CommentAttachment, ("comment_id", "upload_id", "position"), size)

    def _rng(self, phase: str) -> random.Random:
        """One random stream per phase, so that changing one phase leaves the others' data alone."""
        return random.Random(f"{self.plan.seed}:{phase}")

    def run(self) -> dict:
        self.images, self.avatars = _store_images(self._rng("images"), _aware(self.start))
        try:
            self._make_texts()
            self._seed_users()
            self._seed_discussions()
        except BaseException:  # the rows roll back; the stored images go too
            for image in self.images + self.avatars:
                default_storage.delete(image.file)
                default_storage.delete(image.thumbnail)
            raise
        return {
            "users": self.users.written,
            "discussions": self.discussions.written,
            "comments": self.comments.written,
            "participants": self.participants.written,
            "attachments": self.attachments.written,
        }

    def _write(self, *tables: Table) -> None:
        """Write what the tables hold, in the order given (foreign keys first). PostgreSQL
        checks the deferred foreign keys of each chunk right away: its queue of pending checks
        stays small, and none is pending when the indexes are built (which it would refuse)."""
        with connection.cursor() as cursor:
            for table in tables:
                table.flush(cursor)
            if connection.vendor == "postgresql":
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")

    def _make_texts(self) -> None:
        """A pool of distinct Markdown comments, each rendered once; comments draw from it."""
        maker = TextMaker(self._rng("texts"))
        count = max(1, min(DISTINCT_TEXTS, self.plan.comments))
        self.texts = [maker.comment() for _ in range(count)]
        self.htmls = [render_markdown(text) if render_markdown else "" for text in self.texts]
        self.title_maker = TextMaker(self._rng("titles"))

    # Users: the fixed accounts last, so that popularity (which favours low indexes) skips them.
    def _seed_users(self) -> None:
        plan, rng = self.plan, self._rng("users")
        password = make_password(SEED_PASSWORD)  # once: hashing is slow on purpose
        n = plan.users
        self.user_ids = [_uuid_hex(rng) for _ in range(n)]
        self.admin_index, self.moderator_index, self.bench_index = n - 3, n - 2, n - 1
        fixed = {self.admin_index: ADMIN_LOGIN, self.moderator_index: MODERATOR_LOGIN, self.bench_index: BENCH_LOGIN}
        logins = [fixed.get(i) or self._login(rng, i) for i in range(n)]
        self._refuse_taken_logins(logins)
        progress = Progress("users", n, self.stderr)
        joined_span = (self.now - self.start) * 2
        for i, login in enumerate(logins):
            user_id = self.user_ids[i]
            firstname, lastname = ("", "") if i in fixed else login.split(".")
            role = Role.USER
            if i == self.admin_index:
                role = Role.ADMIN
            elif i == self.moderator_index or (i not in fixed and rng.random() < SHARE_MODERATORS):
                role = Role.MODERATOR
            joined = self.now - joined_span * (0.5 + rng.random() / 2)
            profile_image_id = None
            if rng.random() < SHARE_WITH_AVATAR:
                profile_image_id = self._add_upload(rng, rng.choice(self.avatars), owner_id=user_id, when=joined)
            has_phone = rng.random() < SHARE_WITH_PHONE
            banned = i not in fixed and rng.random() < SHARE_BANNED
            email = f"{login}@example.com"
            self.users.add(
                user_id, login, email, f"+1555{i:07d}" if has_phone else None, has_phone and rng.random() < 0.7,
                firstname.capitalize(), lastname.rstrip("0123456789").capitalize(), password, role,
                i == self.admin_index, i == self.admin_index, banned, "Spam." if banned else "", profile_image_id, joined,
            )  # fmt: skip
            self.emails.add(user_id, email, True, True)
            if len(self.users.rows) >= plan.chunk or i == n - 1:
                count = len(self.users.rows)
                self._write(self.users, self.uploads, self.emails)
                progress.advance(count)
        progress.close()

    @staticmethod
    def _login(rng: random.Random, i: int) -> str:
        return f"{rng.choice(FIRST_NAMES).lower()}.{rng.choice(LAST_NAMES).lower()}{i}"

    @staticmethod
    def _refuse_taken_logins(logins: list[str]) -> None:
        """Stop before writing when a seeded login (lower case) is taken in any letter case."""
        if not User.objects.exists():
            return
        for first in range(0, len(logins), 500):
            taken = User.objects.annotate(lower_login=Lower("login")).filter(lower_login__in=logins[first : first + 500])
            login = taken.values_list("login", flat=True).first()
            if login is not None:
                raise CommandError(f"The login {login!r} is taken: seed a database without seeded users.")

    def _add_upload(self, rng, image: StoredImage, *, owner_id: str, when: float) -> str:
        """An Upload row for a stored image (many rows share one stored file); returns its id."""
        upload_id = _uuid_hex(rng)
        self.uploads.add(
            upload_id, owner_id, image.file, image.thumbnail, image.content_type, image.name, image.size,
            image.width, image.height, when,
        )  # fmt: skip
        return upload_id

    def _popular_user(self, rng: random.Random) -> int:
        """A user index, favouring the low ones: a few people write most comments. Never one of
        the fixed accounts."""
        return min(int(self.plan.users * rng.random() ** 2.5), self.plan.users - 4)

    # Discussions and their comments, chunk by chunk.
    def _comment_counts(self, rng: random.Random) -> list[int]:
        """How many comments each discussion gets: a long tail (Pareto weights, none above 2% of
        all), summing exactly to the plan's total; the first is the benchmark's long discussion."""
        plan = self.plan
        long = plan.long_discussion
        others = plan.discussions - (1 if long else 0)
        remaining = plan.comments - long
        counts = []
        if others:
            base = 1 if remaining >= others * 1.5 else 0
            spread = remaining - base * others
            weights = [rng.paretovariate(1.3) for _ in range(others)]
            total = sum(weights)
            cap = max(1, int(0.02 * spread))
            counts = [base + min(int(w / total * spread), cap) for w in weights]
            short = remaining - sum(counts)
            while short > 0:  # hand out what rounding and the cap left, one at a time
                counts[rng.randrange(others)] += 1
                short -= 1
        return ([long] if long else []) + counts

    def _seed_discussions(self) -> None:
        plan = self.plan
        rng = self._rng("discussions")
        counts = self._comment_counts(rng)
        n = len(counts)
        pinned = set(rng.sample(range(1, n), min(n - 1, max(2, n * PINNED_PER_10K // 10_000)))) if n > 1 else set()
        # The bench user's discussions: the long one and about BENCH_USER_DISCUSSIONS others.
        bench_share = min(1.0, BENCH_USER_DISCUSSIONS / max(1, n - 1))
        progress = Progress("comments", plan.comments, self.stderr)
        for index, count in enumerate(counts):
            is_long = bool(plan.long_discussion) and index == 0
            bench = index == 0 or rng.random() < bench_share
            self._make_discussion(rng, count, is_long=is_long, pinned=index in pinned, bench=bench)
            if len(self.comments.rows) >= plan.chunk or len(self.discussions.rows) >= plan.chunk or index == n - 1:
                written = len(self.comments.rows)
                self._write(self.discussions, self.participants, self.comments, self.uploads, self.attachments)
                progress.advance(written)
        progress.close()

    def _make_discussion(self, rng, count: int, *, is_long: bool, pinned: bool, bench: bool) -> None:
        users = self.plan.users
        if is_long:
            created, private, locked = self.now - 3 * 86_400, False, False
        else:
            created = self.start + (self.now - self.start) * rng.random() ** 0.7  # more of them lately
            private = rng.random() < SHARE_PRIVATE
            locked = rng.random() < SHARE_LOCKED
        creator = self.bench_index if bench and rng.random() < 0.2 else self._popular_user(rng)
        discussion_id = _uuid_hex(rng)
        joined = {creator: (created, None)}  # participant index -> (joined at, invited by)
        if private:
            for invitee in rng.sample(range(users - 3), min(users - 3, rng.randint(2, 8))):
                joined.setdefault(invitee, (created + rng.randint(60, 36_000), creator))
            if bench:
                joined.setdefault(self.bench_index, (created + 300, creator))
        members = list(joined)  # who may write in a private discussion
        seen = list(joined)  # who has written or joined so far (people come back to a thread)
        # The opening post at creation; the others over a lifetime of hours to months.
        lifetime = min(self.now - created, 3600 * rng.lognormvariate(3.5, 1.5))
        times = sorted(created + lifetime * rng.random() for _ in range(count - 1)) if count else []
        times = [created, *times] if count else []
        bench_positions = set()
        if bench and count > 1:
            bench_positions = set(rng.sample(range(1, count), min(count - 1, 3 if is_long else 1)))
        ids = []
        user_ids, texts, htmls = self.user_ids, self.texts, self.htmls
        for position, when in enumerate(times):
            if position == 0:
                author = creator
            elif position in bench_positions:
                author = self.bench_index
            elif private:
                author = rng.choice(members)
            elif rng.random() < 0.4 and len(seen) > 1:
                author = rng.choice(seen)
            else:
                author = self._popular_user(rng)
            if author not in joined:
                joined[author] = (when, None)
                seen.append(author)
            comment_id = _uuid_hex(rng)
            replied_to = None
            if position and rng.random() < SHARE_REPLIES:  # mostly to one of the last few
                replied_to = ids[position - 1 - min(int(rng.expovariate(1 / 3)), position - 1)]
            ids.append(comment_id)
            text = rng.randrange(len(texts))
            deleted = position > 0 and rng.random() < SHARE_DELETED
            edited = not deleted and rng.random() < SHARE_EDITED
            author_id = user_ids[author]
            self.comments.add(
                comment_id, discussion_id, author_id, texts[text], htmls[text], replied_to, when,
                when + rng.randint(60, 7200) if edited else None, deleted,
                when + rng.randint(3600, 172_800) if deleted else None, author_id if deleted else None,
            )  # fmt: skip
            if not deleted and rng.random() < SHARE_ATTACHING:
                for place in range(rng.choice((1, 1, 1, 2))):
                    upload_id = self._add_upload(rng, rng.choice(self.images), owner_id=author_id, when=when)
                    self.attachments.add(comment_id, upload_id, place)
        self.discussions.add(
            discussion_id, BENCH_DISCUSSION_NAME if is_long else self.title_maker.title(), user_ids[creator],
            Visibility.PRIVATE if private else Visibility.PUBLIC, locked, pinned, created,
            times[-1] if times else created, count,
        )  # fmt: skip
        for member, (when, inviter) in joined.items():
            self.participants.add(discussion_id, user_ids[member], None if inviter is None else user_ids[inviter], when)

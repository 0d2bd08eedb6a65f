"""Pages of long lists that cost the same at the end as at the start.

``DeferredJoin`` stands in for an ordered queryset wherever a page of it is sliced (Django's
``Paginator``, ``forum.jsonapi.paginate``). A slice selects only the primary keys of its rows,
with the OFFSET, from an index that holds the filter and order columns (e.g.
``comment_in_discussion`` on (discussion_id, created_at, id)): the rows skipped are index
entries, not table rows with their joins. A slice past the middle reads backwards from the
end, so the OFFSET stays under half the count. In the same statement the outer query fetches
those rows by primary key with everything ``rows`` joins, in the list's order; then ``rows``'s
prefetches run for the page alone.

With ``remember_as`` (a key that holds the version of what the list shows), each slice is
kept in the page cache (``page_cache.remember``): a page read again in the same version costs
an unpickling, not the two queries.

The outer query gets no filter but the keys: given the list's own filter as well (say
``discussion_id = ?``), SQLite walks that filter's index over the whole discussion instead of
looking the 20 keys up.
"""

from django.db.models import QuerySet

from forum.page_cache import remember

UNIQUE_LAST = ("pk", "-pk", "id", "-id")


class DeferredJoin:
    """A sliceable view of ``queryset`` (filtered and ordered; the ordering ends with the
    primary key, so it is total and reverses exactly), whose rows come from ``rows`` (what to
    join and prefetch; by default the model's plain rows). ``count``, when known (a kept
    counter), saves the COUNT query; it must be exact, since the backward read counts from it."""

    def __init__(
        self, queryset: QuerySet, *, rows: QuerySet | None = None, count: int | None = None, remember_as=None
    ):
        ordering = queryset.query.order_by
        if not ordering or str(ordering[-1]) not in UNIQUE_LAST:
            raise ValueError("DeferredJoin needs an ordering that ends with the primary key.")
        self.queryset = queryset
        self.rows = queryset.model._default_manager.all() if rows is None else rows
        self._count = count
        self.remember_as = remember_as
        self.ordered = True  # read by Paginator's check for unordered lists

    def count(self) -> int:
        if self._count is None:
            self._count = self.queryset.count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice) or index.step is not None:
            raise TypeError("DeferredJoin supports only slices with no step.")
        total = self.count()
        start = max(0, index.start or 0)
        stop = total if index.stop is None else min(index.stop, total)
        if start >= stop:
            return []
        if self.remember_as is None:
            return self._fetch(start, stop, total)
        return remember((*self.remember_as, start, stop), lambda: self._fetch(start, stop, total))

    def _fetch(self, start: int, stop: int, total: int) -> list:
        keys = self.queryset.prefetch_related(None).values("pk")
        if start > total - stop:
            keys = keys.reverse()[total - stop : total - start]  # nearer the end: read backwards
        else:
            keys = keys[start:stop]
        # SQLite and PostgreSQL take a LIMIT in an IN subquery.
        return list(self.rows.filter(pk__in=keys).order_by(*self.queryset.query.order_by))

"""Render the Markdown of the comments written before ``Comment.html`` was filled in.

Uses ``forum.markdown.render_markdown``, the function that renders comments when they are
saved, so old and new comments look the same. Batched by primary key, so a large table is never loaded at once.
Reversing leaves the rendered HTML in place (the column stays; nothing to undo).
"""

from django.db import migrations

BATCH_SIZE = 500


def render_existing_comments(apps, schema_editor):
    from forum.markdown import render_markdown

    Comment = apps.get_model("forum", "Comment")
    pending = Comment.objects.filter(html="").exclude(text="").order_by("pk").only("pk", "text")
    batch = list(pending[:BATCH_SIZE])
    while batch:
        for comment in batch:
            comment.html = render_markdown(comment.text)
        Comment.objects.bulk_update(batch, ["html"])
        batch = list(pending.filter(pk__gt=batch[-1].pk)[:BATCH_SIZE])


class Migration(migrations.Migration):
    dependencies = [
        ("forum", "0003_comment_deleted_at_comment_deleted_by_comment_html_and_more"),
    ]

    operations = [
        migrations.RunPython(render_existing_comments, migrations.RunPython.noop, elidable=True),
    ]

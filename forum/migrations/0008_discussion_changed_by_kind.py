from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("forum", "0007_discussion_name_one_line"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="discussion",
            index=models.Index(fields=["visibility", "-changed_at"], name="discussion_changed_by_kind"),
        ),
    ]

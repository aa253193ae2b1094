"""The search index: the rows, then the database's own full-text index over them.

PostgreSQL gets a GIN index on the `vector` column; SQLite gets an FTS5 table whose content is
the rows (external content, rebuilt at each sync). Each database creates only its own, and the
migration state records the GIN index either way, so `makemigrations` sees nothing to do.
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations, models

FTS = (
    "CREATE VIRTUAL TABLE search_fts USING fts5(title, body, content='search_searchdocument', "
    "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')"
)


def gin_index():
    return django.contrib.postgres.indexes.GinIndex(fields=["vector"], name="search_vector_gin")


def create_full_text_index(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("search", "SearchDocument"), gin_index())
    elif connection.vendor == "sqlite":
        schema_editor.execute(FTS)


def drop_full_text_index(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("search", "SearchDocument"), gin_index())
    elif connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS search_fts")


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(choices=[("lesson", "Lesson"), ("lab", "Lab"), ("quiz", "Quiz")], max_length=10),
                ),
                ("slug", models.SlugField(max_length=80)),
                ("anchor", models.CharField(blank=True, max_length=200)),
                ("title", models.CharField(max_length=400)),
                ("body", models.TextField()),
                ("position", models.PositiveIntegerField()),
                ("vector", django.contrib.postgres.search.SearchVectorField(editable=False, null=True)),
            ],
            options={"ordering": ["position"]},
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(model_name="searchdocument", index=gin_index()),
            ],
            database_operations=[migrations.RunPython(create_full_text_index, drop_full_text_index)],
        ),
    ]

"""The page tags of forum/templatetags/forum_pages.py write what the templates they replace
wrote: ``crispy_field`` is crispy-forms' ``as_crispy_field``, remembered for unbound forms."""

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field

from forum.forms import CommentForm
from forum.templatetags.forum_pages import crispy_field


def test_an_unbound_field_is_rendered_as_crispy_forms_renders_it():
    field = CommentForm()["comment_text"]
    assert crispy_field(field) == as_crispy_field(field)
    assert crispy_field(CommentForm()["comment_text"]) == as_crispy_field(field)  # the remembered copy


def test_an_unbound_field_with_other_attributes_or_initial_value_is_rendered_apart():
    plain = crispy_field(CommentForm()["comment_text"])
    focused_form = CommentForm()
    focused_form.fields["comment_text"].widget.attrs["autofocus"] = True
    focused = crispy_field(focused_form["comment_text"])
    assert "autofocus" in focused and "autofocus" not in plain
    drafted = crispy_field(CommentForm(initial={"comment_text": "A draft <b>"})["comment_text"])
    assert "A draft &lt;b&gt;" in drafted and "A draft" not in plain


def test_a_bound_field_shows_its_own_value_and_errors():
    form = CommentForm(data={"comment_text": "x" * 100_000})
    form.is_valid()
    markup = crispy_field(form["comment_text"])
    assert markup == as_crispy_field(form["comment_text"])
    assert "invalid-feedback" in markup or "is-invalid" in markup

import factory
from django.contrib.auth import get_user_model
from django.db.models import F

from forum.markdown import render_markdown
from forum.models import Comment, Discussion, Participant
from forum.page_cache import changed_now

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    login = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.login}@example.com")
    firstname = "Ada"
    lastname = "Lovelace"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class DiscussionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Discussion
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Discussion {n}")
    creator = factory.SubFactory(UserFactory)

    @factory.post_generation
    def creator_participates(obj, create, extracted, **kwargs):
        if create:
            Participant.objects.get_or_create(discussion=obj, user=obj.creator)


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment
        skip_postgeneration_save = True

    discussion = factory.SubFactory(DiscussionFactory)
    author = factory.SubFactory(UserFactory)
    text = factory.Sequence(lambda n: f"Comment number {n}")
    html = factory.LazyAttribute(lambda comment: render_markdown(comment.text))  # as forum.services stores it

    @factory.post_generation
    def counted(obj, create, extracted, **kwargs):
        """Keep the discussion's kept counters as forum.services.post_comment does."""
        if create:
            Discussion.objects.filter(pk=obj.discussion_id).update(
                comments_count=F("comments_count") + 1, last_activity_at=obj.created_at, changed_at=changed_now()
            )

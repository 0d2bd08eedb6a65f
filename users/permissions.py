"""Who may see and do what with accounts. One rule, one place."""


def can_see_contact_details(viewer, user) -> bool:
    if viewer is None or not viewer.is_authenticated:
        return False
    return viewer.pk == user.pk or viewer.is_moderator

"""Writes that touch several rows. The admin, views and commands all call these."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from library.models import Image
from magazine.slugs import unique_slug
from people.models import Critic, Person

from . import tagging, workflow
from .models import (
    REVIEW_BODY_MAX_CHARS,
    Assignment,
    Correction,
    Credit,
    Film,
    Genre,
    NewReviewAutosave,
    Review,
    ReviewRevision,
    ReviewTransition,
)

User = AbstractBaseUser | AnonymousUser


class StaleReviewError(ValidationError):
    """The save was made from a copy older than the stored review; nothing was written."""


@transaction.atomic
def revision_create(
    *,
    review: Review,
    user: AbstractBaseUser | None = None,
    source: str = ReviewRevision.Source.EDIT,
) -> ReviewRevision:
    """Record the review's current editorial fields as a new revision."""
    return ReviewRevision.objects.create(
        review=review,
        author=user if user is not None and user.is_authenticated else None,
        source=source,
        data=review.editorial_snapshot(),
    )


def _describe_moment(moment: datetime.datetime) -> str:
    """“5 Jan 2024, 09:00 UTC”: a time as editors read it, with its time zone."""
    return date_format(timezone.localtime(moment), "j M Y, H:i T")


def _stale_message(current: Review, expected_version: int | None) -> str:
    latest = current.revisions.exclude(source=ReviewRevision.Source.AUTOSAVE).first()
    who = ""
    if latest is not None:
        name = latest.author.get_username() if latest.author else "an import"
        who = f" by {name} at {_describe_moment(latest.created_at)}"
    return (
        f"Not saved: this review was changed{who} after you opened it (your copy is version "
        f"{expected_version}, the saved review is version {current.version}). Your text is "
        "still in the form below: copy what you need, then reload the review and apply your "
        "changes to the latest version."
    )


@transaction.atomic
def review_check_version(*, review_id: int, expected_version: int | None) -> Review:
    """The stored review, locked; raises StaleReviewError if it is not at `expected_version`."""
    current = Review.objects.select_for_update().select_related("critic").get(pk=review_id)
    if expected_version != current.version:
        raise StaleReviewError(_stale_message(current, expected_version), code="stale")
    return current


@transaction.atomic
def review_save(
    *,
    review: Review,
    user: User | None,
    expected_version: int | None = None,
    tags: list[str] | None = None,
    new_autosave_key: str | uuid.UUID | None = None,
) -> Review:
    """Save an edit of the editorial fields and keep a revision of it.

    Refuses (StaleReviewError, nothing written) when `expected_version` is not the stored
    version. Never moves the review through the workflow: state and publish times stay as
    stored. `user=None` is the system (an import); a user must be allowed to edit.
    A new review made from an autosaved form (`new_autosave_key`) removes that autosave.
    """
    if review.pk is not None:
        current = Review.objects.select_for_update().select_related("critic").get(pk=review.pk)
        if user is not None and not workflow.can_edit(user, current):
            raise PermissionDenied("You may not edit this review in its current state.")
        if expected_version is not None:
            review_check_version(review_id=review.pk, expected_version=expected_version)
        review.version = current.version + 1
        review.state = current.state
        review.publish_at = current.publish_at
        review.first_published_at = current.first_published_at
    else:
        if user is not None and not workflow.can_add(user):
            raise PermissionDenied("You may not add reviews.")
        review.version = 1
        review.state = Review.State.DRAFT
    writer = user is not None and not workflow.may_handle_any_review(user)
    if writer and review.critic.user_id != user.pk:
        raise PermissionDenied("Writers file reviews under their own byline only.")
    review.full_clean()
    if review.pk is not None and current.is_published:
        _refuse_live_move_under_embargo(from_film_id=current.film_id, to_film=review.film)
        if user is not None:
            return _keep_as_pending_changes(review=review, user=user, tags=tags)
    review.save()
    if tags is not None:
        tagging.review_tags_set(review=review, names=tags)
    revision_create(review=review, user=user, source=ReviewRevision.Source.EDIT)
    if new_autosave_key is not None and user is not None:
        new_review_autosave_discard(user=user, key=new_autosave_key)
    return review


def _keep_as_pending_changes(*, review: Review, user: User, tags: list[str] | None) -> Review:
    """An edit of a live review: kept as a pending revision; the public text is unchanged until
    someone publishes the changes. The version still moves on, so a stale form is refused."""
    Review.objects.filter(pk=review.pk).update(version=review.version)
    ReviewRevision.objects.create(
        review=review,
        author=user if user.is_authenticated else None,
        source=ReviewRevision.Source.PENDING,
        data=review.editorial_snapshot(tags=tags),
    )
    review.kept_as_pending_changes = True
    return review


def review_pending_changes(*, review: Review) -> ReviewRevision | None:
    """The edits of a live review not yet public: the newest revision, if it is pending."""
    latest = review.revisions.exclude(source=ReviewRevision.Source.AUTOSAVE).first()
    return latest if latest is not None and latest.source == ReviewRevision.Source.PENDING else None


def review_with_pending_changes(review: Review) -> ReviewRevision | None:
    """Put the pending changes (if any) on this in-memory review, to show or preview them;
    nothing is saved. Returns the pending revision."""
    pending = review_pending_changes(review=review)
    if pending is not None:
        _apply_snapshot(review, pending.data)
        _apply_placement(review, pending.data, strict=False)
        review.refresh_derived_fields()
    return pending


def review_check_live_move(*, review_id: int, film: Film | None) -> None:
    """Raises ValidationError (on `film`) when the stored review is live and `film` is another
    film whose review embargo is in force."""
    current = Review.objects.select_related("film").get(pk=review_id)
    if film is not None and current.is_published:
        _refuse_live_move_under_embargo(from_film_id=current.film_id, to_film=film)


def _refuse_live_move_under_embargo(*, from_film_id: int, to_film: Film) -> None:
    # Moving it would take the review off the site until the embargo lifts: the desk would
    # be unpublishing it by the back door. Unpublishing is a move of its own.
    if to_film.pk != from_film_id and to_film.embargo_in_force():
        raise ValidationError(
            {
                "film": f"The review embargo on {to_film} lifts at "
                f"{to_film.review_embargo_description}; a live review cannot move to it (it "
                "would disappear from the site until then). Unpublish the review first, or "
                "move it once the embargo has lifted."
            },
            code="embargo",
        )


def _apply_snapshot(review: Review, data: dict) -> None:
    """Put a snapshot's text fields (everything but the film, byline and lead image) on the
    in-memory review; restoring an old revision brings back these only."""
    for name in ("headline", "slug", "standfirst", "body", "kind"):
        setattr(review, name, data.get(name, getattr(review, name)))
    review.rating = None if data.get("rating") in (None, "") else Decimal(data["rating"])


def _apply_placement(review: Review, data: dict, *, strict: bool = True) -> None:
    """Put a snapshot's film, byline and lead image (named by natural key) on the in-memory
    review. One that no longer exists raises ValidationError (`strict`) or is left as it is."""
    wanted = [
        ("film", Film.objects.filter(slug=data.get("film")), review.film.slug),
        ("critic", Critic.objects.filter(slug=data.get("critic")), review.critic.slug),
    ]
    if "lead_image" in data:  # revisions older than lead images in snapshots have none
        current_image = review.lead_image.file.name if review.lead_image_id else None
        if data["lead_image"] is None:
            review.lead_image = None
        else:
            images = Image.objects.filter(file=data["lead_image"])
            wanted.append(("lead_image", images, current_image))
    for name, found, now in wanted:
        if name not in data or data[name] == now:
            continue
        chosen = found.first()
        if chosen is not None:
            setattr(review, name, chosen)
        elif strict:
            label = Review._meta.get_field(name).verbose_name
            raise ValidationError(
                {name: f"The {label} of these changes, “{data[name]}”, no longer exists."},
                code="missing",
            )


@transaction.atomic
def review_publish_changes(*, review: Review, user: User, correction: str = "") -> Review:
    """Make a live review's pending changes public, with an optional public correction."""
    current = Review.objects.select_for_update().select_related("film", "critic").get(pk=review.pk)
    if not (user.is_active and user.has_perm("reviews.publish_review")):
        raise PermissionDenied("Your role does not allow publishing changes.")
    pending = review_pending_changes(review=current)
    if pending is None:
        raise ValidationError("There are no changes waiting to be published.", code="none")
    was_live, film_before = current.is_published, current.film_id
    _apply_snapshot(current, pending.data)
    _apply_placement(current, pending.data)
    if was_live:  # the embargo may have been set since the changes were saved
        _refuse_live_move_under_embargo(from_film_id=film_before, to_film=current.film)
    current.version += 1
    current.full_clean()
    current.save()
    tagging.review_tags_set(review=current, names=pending.data.get("tags", []))
    revision_create(review=current, user=user, source=ReviewRevision.Source.EDIT)
    correction = (correction or "").strip()
    if correction:
        Correction.objects.create(review=current, text=correction)
    status = workflow.status_of(current)
    ReviewTransition.objects.create(
        review=current,
        name="publish_changes",
        from_status=status,
        to_status=status,
        user=user,
        comment=f"Correction: {correction}" if correction else "Changes published.",
    )
    review.refresh_from_db()
    return current


@transaction.atomic
def review_discard_changes(*, review: Review, user: User) -> None:
    """Drop a live review's pending changes: the public text is kept (as a new revision, so
    the discarded text stays in the history and can be restored)."""
    current = Review.objects.select_for_update().get(pk=review.pk)
    if not workflow.can_edit(user, current):
        raise PermissionDenied("You may not edit this review in its current state.")
    if review_pending_changes(review=current) is not None:
        revision_create(review=current, user=user, source=ReviewRevision.Source.EDIT)


class AutosaveTooLong(ValidationError):
    """Typing too long to keep as an autosave; nothing was written."""


def _as_key(key: str | uuid.UUID) -> uuid.UUID | None:
    try:
        return key if isinstance(key, uuid.UUID) else uuid.UUID(str(key))
    except ValueError:
        return None


def autosave_key_is_valid(key: str) -> bool:
    return _as_key(key) is not None


@transaction.atomic
def new_review_autosave(
    *, user: User, key: str | uuid.UUID, data: dict
) -> NewReviewAutosave | None:
    """Keep what is typed into the form of a review not saved yet, under this form's `key`.

    Returns None (nothing written) when nothing is typed yet or nothing changed since the last
    autosave of this form. Keeps only the newest few unsaved new reviews of each person.
    """
    if not workflow.can_add(user):
        raise PermissionDenied("You may not add reviews.")
    form_key = _as_key(key)
    if form_key is None:
        raise ValidationError("This form has no valid autosave key; reload it.", code="key")
    snapshot = {name: str(data.get(name) or "") for name in NewReviewAutosave.FIELDS}
    _refuse_too_long_autosave(snapshot)
    if not any(snapshot[name].strip() for name in NewReviewAutosave.TYPED_FIELDS):
        return None
    existing = NewReviewAutosave.objects.filter(author=user, key=form_key).first()
    if existing is not None and existing.data == snapshot:
        return None
    autosave, _ = NewReviewAutosave.objects.update_or_create(
        author=user, key=form_key, defaults={"data": snapshot, "updated_at": timezone.now()}
    )
    stale = NewReviewAutosave.objects.filter(author=user).values_list("pk", flat=True)[
        NewReviewAutosave.KEPT_PER_AUTHOR :
    ]
    NewReviewAutosave.objects.filter(pk__in=list(stale)).delete()
    return autosave


def new_review_autosave_discard(*, user: User, key: str | uuid.UUID) -> bool:
    """Forget this person's autosave of one unsaved new review; True if there was one."""
    form_key = _as_key(key)
    if form_key is None or not user.is_authenticated:
        return False
    deleted, _ = NewReviewAutosave.objects.filter(author=user, key=form_key).delete()
    return bool(deleted)


def review_autosave(*, review: Review, user: User, data: dict) -> ReviewRevision | None:
    """Keep what is being typed as an autosave revision; the live review is never touched.

    Returns None when nothing differs from the latest autosave of this user (no new row).
    """
    if not workflow.can_edit(user, review):
        raise PermissionDenied("You may not edit this review in its current state.")
    snapshot = review.editorial_snapshot()
    for name in Review.EDITORIAL_FIELDS:
        if name in data and data[name] is not None:
            snapshot[name] = str(data[name])
    if snapshot["rating"] == "":
        snapshot["rating"] = None
    if snapshot["kind"] not in Review.Kind.values:
        snapshot["kind"] = review.kind
    _refuse_too_long_autosave(snapshot)
    autosaves = review.revisions.filter(author=user, source=ReviewRevision.Source.AUTOSAVE)
    latest = autosaves.first()
    if latest is not None and latest.data == snapshot:
        return None
    with transaction.atomic():
        revision = ReviewRevision.objects.create(
            review=review, author=user, source=ReviewRevision.Source.AUTOSAVE, data=snapshot
        )
        stale = autosaves.values_list("pk", flat=True)[ReviewRevision.AUTOSAVES_KEPT :]
        ReviewRevision.objects.filter(pk__in=list(stale)).delete()
    return revision


def _refuse_too_long_autosave(snapshot: dict) -> None:
    if any(len(str(value or "")) > REVIEW_BODY_MAX_CHARS for value in snapshot.values()):
        raise AutosaveTooLong(
            f"Too long to autosave (over {REVIEW_BODY_MAX_CHARS:,} characters): save the "
            "form instead.",
            code="too_long",
        )


# What restoring an old revision brings back: the text, not where the review sits.
RESTORED_FIELDS = frozenset({*Review.EDITORIAL_FIELDS, "tags"})


@transaction.atomic
def review_restore_revision(*, review: Review, revision: ReviewRevision, user: User) -> Review:
    """Put an earlier revision's text back as the live text; the restore is a new revision."""
    if revision.review_id != review.pk:
        raise ValidationError("That revision belongs to another review.")
    current = Review.objects.select_for_update().select_related("critic").get(pk=review.pk)
    if not workflow.can_edit(user, current):
        raise PermissionDenied("You may not edit this review in its current state.")
    if current.is_published:
        # Like any edit of a live review: it waits as changes not yet public. A restore
        # brings back the text; the film, byline and lead image stay as they are now.
        current.version += 1
        Review.objects.filter(pk=current.pk).update(version=current.version)
        data = current.editorial_snapshot()
        data.update({k: v for k, v in revision.data.items() if k in RESTORED_FIELDS})
        ReviewRevision.objects.create(
            review=current, author=user, source=ReviewRevision.Source.PENDING, data=data
        )
        review.refresh_from_db()
        return current
    _apply_snapshot(current, revision.data)
    data = revision.data
    current.version += 1
    current.full_clean()
    current.save()
    tagging.review_tags_set(review=current, names=data.get("tags", []))
    revision_create(review=current, user=user, source=ReviewRevision.Source.RESTORE)
    review.refresh_from_db()
    return current


@transaction.atomic
def review_transition(
    *,
    review: Review,
    user: User,
    name: str,
    comment: str = "",
    publish_at: datetime.datetime | None = None,
) -> ReviewTransition:
    """Make one workflow move and log it; raises TransitionNotAllowed or ValidationError.

    Works on the stored row (locked), so a stale instance cannot undo someone else's move.
    """
    now = timezone.now()
    locked = Review.objects.select_for_update().select_related("film", "critic").get(pk=review.pk)
    transition = workflow.check(user, locked, name)
    from_status = workflow.status_of(locked)
    comment = (comment or "").strip()
    if transition.needs_comment and not comment:
        raise ValidationError(
            {"comment": "Say what should change: the writer sees this comment."}, code="required"
        )

    if name in ("publish", "schedule"):
        goes_out = now
        if name == "schedule":
            if publish_at is None:
                raise ValidationError({"publish_at": "Give the date and time it should go out."})
            if publish_at <= now:
                raise ValidationError(
                    {
                        "publish_at": "Pick a time in the future; to publish at once, use "
                        "“Publish now”."
                    }
                )
            goes_out = publish_at
        film = locked.film
        if film.embargo_blocks(goes_out):
            asked = (
                f"You asked for {_describe_moment(goes_out)}. "
                if name == "schedule"
                else "It cannot be published now. "
            )
            raise ValidationError(
                {
                    "publish_at": f"The review embargo on {film} lifts at "
                    f"{film.review_embargo_description}; no review of it can go out before "
                    f"then. {asked}Schedule it for that time or later."
                },
                code="embargo",
            )
        locked.publish_at = goes_out
        if locked.first_published_at is None or locked.first_published_at > now:
            locked.first_published_at = goes_out
    elif name == "unpublish":
        if from_status == ReviewTransition.Status.SCHEDULED:
            # It never went out: forget the cancelled time rather than claim a publication.
            locked.publish_at = None
            if locked.first_published_at is not None and locked.first_published_at > now:
                locked.first_published_at = None
    elif transition.target == Review.State.DRAFT:
        locked.publish_at = None

    locked.state = transition.target
    # A move changes only these fields: validate them and the review's rules (clean()); the
    # rest was validated when it was saved, and the database's constraints hold it.
    moved = {"state", "publish_at", "first_published_at"}
    locked.full_clean(
        exclude=[f.name for f in Review._meta.concrete_fields if f.name not in moved],
        validate_unique=False,
        validate_constraints=False,
    )
    locked.save(update_fields=sorted(moved))
    for field in ("state", "publish_at", "first_published_at", "updated_at"):
        setattr(review, field, getattr(locked, field))
    return ReviewTransition.objects.create(
        review=locked,
        name=name,
        from_status=from_status,
        to_status=workflow.status_of(locked),
        user=user if user.is_authenticated else None,
        comment=comment,
        publish_at=locked.publish_at if name in ("publish", "schedule") else None,
    )


def review_submit(*, review: Review, user: User, comment: str = "") -> ReviewTransition:
    return review_transition(review=review, user=user, name="submit", comment=comment)


def review_request_changes(*, review: Review, user: User, comment: str) -> ReviewTransition:
    return review_transition(review=review, user=user, name="request_changes", comment=comment)


def review_approve(*, review: Review, user: User, comment: str = "") -> ReviewTransition:
    return review_transition(review=review, user=user, name="approve", comment=comment)


def review_publish(*, review: Review, user: User, comment: str = "") -> ReviewTransition:
    return review_transition(review=review, user=user, name="publish", comment=comment)


def review_schedule(
    *, review: Review, user: User, publish_at: datetime.datetime, comment: str = ""
) -> ReviewTransition:
    return review_transition(
        review=review, user=user, name="schedule", comment=comment, publish_at=publish_at
    )


def review_unpublish(*, review: Review, user: User, comment: str = "") -> ReviewTransition:
    return review_transition(review=review, user=user, name="unpublish", comment=comment)


def review_return_to_draft(*, review: Review, user: User, comment: str = "") -> ReviewTransition:
    return review_transition(review=review, user=user, name="return_to_draft", comment=comment)


# The film desk: films added in place, assignments, and bulk changes from the review list.


@transaction.atomic
def genre_create(*, name: str) -> Genre:
    """A new genre (or the one that has this name already, whatever its case)."""
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": "Type the genre's name."})
    existing = Genre.objects.filter(name__iexact=name).first()
    if existing is not None:
        return existing
    genre = Genre(name=name, slug=unique_slug(Genre.objects.all(), name, max_length=100))
    genre.full_clean()
    genre.save()
    return genre


@transaction.atomic
def film_create_bare(*, film: Film, director: Person | None) -> Film:
    """Saves a film with only what a writer knows (title, year, and its director, if given),
    with a slug made from them; editors complete it."""
    film.slug = unique_slug(Film.objects.all(), f"{film.title} {film.year}")
    film.full_clean()
    film.save()
    if director is not None:
        credit = Credit(film=film, person=director, role=Credit.Role.DIRECTOR, billing_order=1)
        credit.full_clean()
        credit.save()
    return film


@transaction.atomic
def assignment_create(
    *,
    film: Film,
    critic: Critic,
    due_on: datetime.date,
    note: str = "",
    assigned_by: User | None = None,
) -> Assignment:
    assignment = Assignment(
        film=film,
        critic=critic,
        due_on=due_on,
        note=note,
        assigned_by=assigned_by if assigned_by and assigned_by.is_authenticated else None,
    )
    assignment.full_clean()
    assignment.save()
    return assignment


def assignment_link_review(*, review: Review) -> Assignment | None:
    """Links a new review to its critic's open, unstarted assignment of the same film (the
    earliest due), so a review started from an assignment, or any other way, counts for it."""
    assignment = (
        Assignment.objects.select_for_update()
        .filter(film_id=review.film_id, critic_id=review.critic_id, review__isnull=True)
        .order_by("due_on", "pk")
        .first()
    )
    if assignment is not None:
        assignment.review = review
        assignment.save(update_fields=["review"])
    return assignment


def _editable_reviews(reviews: Iterable[Review], user: User) -> list[Review]:
    refused = [review for review in reviews if not workflow.can_edit(user, review)]
    if refused:
        names = ", ".join(f"“{review}”" for review in refused)
        raise PermissionDenied(f"You may not change {names}.")
    return list(reviews)


@transaction.atomic
def reviews_add_tag(*, reviews: Iterable[Review], tag: str, user: User) -> int:
    """Adds one tag to each review (a no-op where it is there already); returns how many.

    The tags are in the review form: a form opened before is then refused, not saved over it."""
    tag = " ".join((tag or "").split())
    if not tag:
        raise ValidationError("Type the tag to add.")
    reviews = _editable_reviews(reviews, user)
    changed = tagging.reviews_tags_add(reviews=reviews, names=[tag])
    Review.objects.filter(pk__in=changed).move_versions()
    _pending_tags_follow(reviews, user=user, add=tag)
    return len(reviews)


@transaction.atomic
def reviews_remove_tag(*, reviews: Iterable[Review], tag: str, user: User) -> int:
    """Removes the tag (matched whatever its case) from each review; returns how many had it.

    Like reviews_add_tag, it moves the version of each review it changes."""
    reviews = _editable_reviews(reviews, user)
    changed = tagging.reviews_tags_remove(reviews=reviews, names=[tag])
    Review.objects.filter(pk__in=changed).move_versions()
    _pending_tags_follow(reviews, user=user, remove=tag)
    return len(changed)


def _pending_tags_follow(
    reviews: list[Review], *, user: User, add: str = "", remove: str = ""
) -> None:
    """A bulk tag action applies to a live review at once; its pending changes (which hold
    the whole tag list) get the same change, or publishing them would undo the action. The
    history is append-only: the changed pending changes are a new pending revision."""
    candidates = set(
        ReviewRevision.objects.filter(
            review__in=reviews, source=ReviewRevision.Source.PENDING
        ).values_list("review_id", flat=True)
    )
    for review in reviews:
        pending = review_pending_changes(review=review) if review.pk in candidates else None
        if pending is None:
            continue
        tags = pending.data.get("tags", [])
        if add and add.casefold() not in {name.casefold() for name in tags}:
            tags = [*tags, add]
        elif remove:
            tags = [name for name in tags if name.casefold() != remove.casefold()]
        ReviewRevision.objects.create(
            review=review,
            author=user if user.is_authenticated else None,
            source=ReviewRevision.Source.PENDING,
            data={**pending.data, "tags": sorted(tags)},
        )


@transaction.atomic
def reviews_unpublish(*, reviews: Iterable[Review], user: User, comment: str = "") -> int:
    """Unpublishes (or cancels the schedule of) every review, or none if any may not be."""
    reviews = list(reviews)
    for review in reviews:
        review_transition(review=review, user=user, name="unpublish", comment=comment)
    return len(reviews)

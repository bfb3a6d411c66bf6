"""Pagination that never counts the whole list: public pages stay as fast at 100,000 reviews
as at 1,000. Imports nothing of the apps, so any app's views may use it."""

from __future__ import annotations

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.http import Http404


class UncountedPage(Page):
    def __init__(self, object_list, number: int, paginator: Paginator, *, has_next: bool):
        super().__init__(object_list, number, paginator)
        self._has_next = has_next

    def has_next(self) -> bool:
        return self._has_next


class UncountedPaginator(Paginator):
    """Fetches one row more than a page to learn whether another page follows, instead of
    `count(*)`. Page numbers are bounded (`max_pages`) so no reader page asks the database
    to skip a huge OFFSET; beyond the bound is a 404."""

    max_pages = 200

    @property
    def num_pages(self) -> int:
        # Django's list views turn `?page=last` into `num_pages`, which would count the list.
        raise Http404("These lists are not counted, so there is no last page to go to.")

    def validate_number(self, number) -> int:
        try:
            number = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger("That page number is not an integer.") from error
        if number < 1:
            raise EmptyPage("That page number is less than 1.")
        if number > self.max_pages:
            raise EmptyPage(f"Only the first {self.max_pages} pages are listed.")
        return number

    def page(self, number) -> UncountedPage:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage("That page contains no results.")
        return UncountedPage(
            rows[: self.per_page], number, self, has_next=len(rows) > self.per_page
        )

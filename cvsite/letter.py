"""The cover letter: a job's `letter` text with the greeting, sign-off and date around it.

The words the user does not write come from the job (`greeting`, `sign_off`,
`letter_date`) or, failing that, from the job's language, so a German
application gets "Sehr geehrte Damen und Herren," without a line of code.
The page shows the letter as a section; `cvsite.render_letter` makes the PDF.
"""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass

from cvsite.locale import Locale
from cvsite.model import Job, PartialDate
from cvsite.tailored import TailoredCV


@dataclass(frozen=True)
class LetterView:
    """What a template shows: greeting, Markdown body, sign-off, the writer, the date."""

    greeting: str
    body: str
    sign_off: str
    name: str
    company: str
    role: str
    date: str


def letter_view(cv: TailoredCV, loc: Locale, today: datetime.date | None = None) -> LetterView | None:
    """The letter of a tailored CV, or None when its job has none (or it is the general CV)."""
    job = cv.job
    if job is None or not (job.letter or "").strip():
        return None
    return LetterView(
        greeting=job.greeting or loc.text("greeting", company=job.company),
        body=job.letter or "",
        sign_off=job.sign_off or loc.text("sign_off"),
        name=cv.person.name,
        company=job.company,
        role=job.role,
        date=letter_date_text(job, loc, today or build_date()),
    )


def letter_date_text(job: Job, loc: Locale, today: datetime.date) -> str:
    """The job's `letter_date` (which may be just a month), else `today`, in the job's language."""
    given: PartialDate | None = job.letter_date
    if given is None:
        return loc.long_date(today)
    if given.day:
        return loc.long_date(datetime.date(given.year, given.month, given.day))
    return loc.date(given)


def build_date() -> datetime.date:
    """Today (UTC), or the day `SOURCE_DATE_EPOCH` names, so a build can be reproduced to the byte."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc).date()
    return datetime.datetime.now(datetime.timezone.utc).date()

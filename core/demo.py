"""A realistic demo workspace: three careers, five employers, seven conversations.

Each visitor who explores the demo gets a fresh copy, so nobody edits a shared demo.
"""

from __future__ import annotations

import datetime as dt

from core.models import Contact, Interview, Option, Rating, Workspace

# (option id, dimension, score, note) per conversation
_D = dt.date


def _ratings(*triples: tuple[str, str, int, str]) -> list[Rating]:
    return [Rating(option=o, dimension=d, score=s, note=n) for o, d, s, n in triples]


def demo_workspace() -> Workspace:
    options = [
        Option(id="c1", kind="career", name="Registered nurse", leaning=True,
               notes="Leaning this way since volunteering at the care home."),
        Option(id="c2", kind="career", name="Physiotherapist", notes="Love sport; worried about the degree length."),
        Option(id="c3", kind="career", name="Health data analyst", notes="A friend moved into this from nursing."),
        Option(id="e1", kind="employer", name="City General Hospital", career="c1"),
        Option(id="e2", kind="employer", name="Riverside Community Care", career="c1"),
        Option(id="e3", kind="employer", name="MoveWell Sports Clinic", career="c2"),
        Option(id="e4", kind="employer", name="Northshore Rehab Centre", career="c2"),
        Option(id="e5", kind="employer", name="Regional Health Authority", career="c3"),
    ]
    interviews = [
        Interview(
            id="i1", kind="interview", date=_D(2026, 10, 6),
            contact=Contact(name="Priya Shah", role="Charge nurse", organisation="City General Hospital"),
            notes="45 minutes in the hospital cafe. Very open about night shifts.",
            options=["c1", "e1"],
            ratings=_ratings(
                ("c1", "industry_outlook", 5, "Shortage everywhere; every ward is hiring."),
                ("c1", "entry_requirements", 4, "Degree plus registration; first-aid before placements."),
                ("c1", "typical_day", 3, "Twelve-hour shifts are hard, but the patients make it."),
                ("c1", "career_path", 4, "Specialist and charge roles open after 2-3 years."),
                ("e1", "culture", 3, "Busy and hierarchical, but the team huddles help."),
                ("e1", "network", 4, "Offered to introduce me to the practice educator."),
            ),
        ),
        Interview(
            id="i2", kind="interview", date=_D(2026, 10, 14),
            contact=Contact(name="Tom Becker", role="Physiotherapist", organisation="MoveWell Sports Clinic"),
            notes="Met after his Saturday clinic.",
            options=["c2", "e3"],
            ratings=_ratings(
                ("c2", "typical_day", 5, "Every session is different; hands-on all day."),
                ("c2", "education", 2, "Master's route is long and expensive for me."),
                ("c2", "industry_outlook", 4, "Private clinics are growing; public posts are tight."),
                ("e3", "culture", 5, "Small team, lots of mentoring, relaxed but focused."),
                ("e3", "career_path", 2, "Flat structure: you stay a physio unless you open a clinic."),
            ),
        ),
        Interview(
            id="i3", kind="interview", date=_D(2026, 10, 21),
            contact=Contact(name="Lena Okafor", role="Data analyst", organisation="Regional Health Authority"),
            notes="Video call. Moved from ward nursing to analytics five years ago.",
            options=["c3", "e5"],
            ratings=_ratings(
                ("c3", "industry_outlook", 4, "Every health board is building a data team."),
                ("c3", "entry_requirements", 2, "Needs SQL and statistics I do not have yet."),
                ("c3", "typical_day", 2, "Mostly screens and meetings; I would miss people."),
                ("c3", "lessons_learned", 4, "Take the short SQL course first; do not rush a master's."),
                ("e5", "culture", 4, "Calm, flexible hours, strong on training."),
            ),
        ),
        Interview(
            id="i4", kind="interview", date=_D(2026, 10, 28),
            contact=Contact(name="Marco Silva", role="Community nurse", organisation="Riverside Community Care"),
            notes="Shadowed him for a morning of home visits.",
            options=["c1", "e2"],
            ratings=_ratings(
                ("c1", "typical_day", 4, "Home visits feel personal; more autonomy than the ward."),
                ("c1", "lessons_learned", 5, "Do the community placement early; it shapes everything."),
                ("e2", "culture", 5, "Supportive, everyone knew each other by name."),
                ("e2", "career_path", 3, "Progression to team lead, slower than the hospital."),
                ("e2", "competitive_edge", 4, "Volunteer befriending scheme is a known route in."),
            ),
        ),
        Interview(
            id="i5", kind="interview", date=_D(2026, 11, 4),
            contact=Contact(name="Aisha Rahman", role="Senior physiotherapist", organisation="Northshore Rehab Centre"),
            options=["c2", "e4"],
            ratings=_ratings(
                ("c2", "career_path", 4, "Clear bands in public rehab; specialist roles after 3 years."),
                ("c2", "entry_requirements", 3, "Competitive entry to the degree programmes."),
                ("e4", "culture", 4, "Team-based, long-term patients, good supervision."),
                ("e4", "network", 3, "Gave me the name of the clinical lead."),
            ),
        ),
        Interview(
            id="i6", kind="interview", date=_D(2026, 11, 12),
            contact=Contact(name="Priya Shah", role="Charge nurse", organisation="City General Hospital"),
            notes="Second chat, this time about the graduate programme.",
            options=["c1", "e1"],
            ratings=_ratings(
                ("c1", "education", 4, "Local university's programme is the one the hospital recruits from."),
                ("e1", "career_path", 5, "Structured graduate programme with rotations."),
                ("e1", "competitive_edge", 3, "Healthcare-assistant bank work gets you noticed."),
            ),
        ),
        Interview(
            id="i7", kind="self", date=_D(2026, 11, 15),
            notes="How I feel after the first round of conversations.",
            options=["c1", "c2", "c3"],
            ratings=_ratings(
                ("c1", "confidence", 4, "Feels right, shifts are the worry."),
                ("c2", "confidence", 3, "Love the work, unsure about funding the degree."),
                ("c3", "confidence", 2, "Interesting, but not why I wanted to work in health."),
            ),
        ),
    ]
    weights = {
        "culture": 4, "industry_outlook": 3, "entry_requirements": 3, "education": 2, "career_path": 4,
        "lessons_learned": 1, "competitive_edge": 2, "confidence": 3, "typical_day": 5, "network": 2,
    }
    return Workspace(name="Demo: Sam's health-care decision", weights=weights, options=options, interviews=interviews)

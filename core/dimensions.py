"""The ten dimensions a participant rates every career and employer on.

This module is the single definition: pages, charts, storage, the workspace file and
the CSV exports all read `DIMENSIONS` (or `DIMENSION_KEYS`) from here. The keys are
stable identifiers stored in databases and files; never rename one.
"""

from __future__ import annotations

from dataclasses import dataclass

SCORE_MIN = 1
SCORE_MAX = 5
WEIGHT_MIN = 0
WEIGHT_MAX = 5
WEIGHT_DEFAULT = 3


@dataclass(frozen=True)
class Dimension:
    key: str
    article_number: int
    label: str
    description: str
    # What a rating of 1, 3 and 5 means for this dimension.
    scale: dict[int, str]
    questions: tuple[str, ...]


DIMENSIONS: tuple[Dimension, ...] = (
    Dimension(
        key="culture",
        article_number=10,
        label="Culture fit",
        description="How well the organisation's values and way of working match mine.",
        scale={
            1: "Their values or way of working clash with mine.",
            3: "Some things fit, some would take getting used to.",
            5: "I would feel at home with how they work and what they value.",
        },
        questions=(
            "What does the team value most when things get busy?",
            "How are decisions made here, and who gets a say?",
            "What kind of person tends to thrive here, and who tends to leave?",
        ),
    ),
    Dimension(
        key="industry_outlook",
        article_number=9,
        label="Industry outlook",
        description="Whether the field is growing, holding steady or shrinking.",
        scale={
            1: "Insiders expect the field to shrink or struggle.",
            3: "The field looks stable, neither booming nor fading.",
            5: "Insiders expect clear growth and demand for newcomers.",
        },
        questions=(
            "Where do you see this field in five years?",
            "Is hiring picking up or slowing down compared with a few years ago?",
            "Which changes (technology, funding, regulation) worry or excite people here?",
        ),
    ),
    Dimension(
        key="entry_requirements",
        article_number=8,
        label="Entry requirements",
        description="Whether I can realistically meet the skills and certificates needed to start.",
        scale={
            1: "The requirements are far beyond what I can reach.",
            3: "Reachable, with some effort or extra certificates.",
            5: "I already meet them or can close the gap quickly.",
        },
        questions=(
            "What does an entry-level hire need on day one?",
            "Which certificates or short courses make a real difference when applying?",
            "What gaps do new starters most often have?",
        ),
    ),
    Dimension(
        key="education",
        article_number=7,
        label="Education value",
        description="Whether the education I plan is what employers value, and worth its cost.",
        scale={
            1: "My planned education would not be valued, or costs far too much for what it brings.",
            3: "It helps, but other routes might work as well.",
            5: "Employers look for exactly this education; it is worth the time and money.",
        },
        questions=(
            "Which schools or programmes do employers here recruit from?",
            "Is formal education expected, or do people learn on the job?",
            "If you were starting now, what training would you choose?",
        ),
    ),
    Dimension(
        key="career_path",
        article_number=6,
        label="Career path",
        description="How much room there is to grow and advance from the entry level.",
        scale={
            1: "Little chance to move up; people stay stuck at entry level.",
            3: "Some progression, but slow or crowded at the top.",
            5: "A clear path upward that rewards effort.",
        },
        questions=(
            "What does a typical path look like from the first job onward?",
            "How long do people usually stay in the entry role?",
            "How are promotions decided, and how often do they happen?",
        ),
    ),
    Dimension(
        key="lessons_learned",
        article_number=5,
        label="Lessons learned",
        description="How useful the insiders' hindsight was, and how avoidable the usual mistakes are.",
        scale={
            1: "I learned little, or the common pitfalls seem hard to avoid.",
            3: "Some useful hindsight; a few pitfalls I can plan around.",
            5: "Clear advice that shows me how to avoid the usual mistakes.",
        },
        questions=(
            "What would you do differently if you started over?",
            "What mistakes do newcomers to this field make most often?",
            "What do you wish someone had told you in your first year?",
        ),
    ),
    Dimension(
        key="competitive_edge",
        article_number=4,
        label="Competitive edge",
        description="Openings to build an edge: volunteering, side skills, an inside track.",
        scale={
            1: "No realistic way to stand out from other applicants.",
            3: "A few ways to stand out, but they take time to find.",
            5: "Clear openings (volunteering, extra skills, contacts) to get ahead.",
        },
        questions=(
            "What makes an applicant stand out here?",
            "Are there volunteer roles, projects or side skills that lead to hiring?",
            "How do most people here hear about openings?",
        ),
    ),
    Dimension(
        key="confidence",
        article_number=3,
        label="Confidence",
        description="How confident I now feel about this option after talking to insiders.",
        scale={
            1: "I feel unsure or worried about this option.",
            3: "Mixed feelings; I need to learn more.",
            5: "I feel sure this option is right for me.",
        },
        questions=(
            "What would convince you that someone is a good fit for this work?",
            "Which of my doubts do you think are well founded, and which are not?",
        ),
    ),
    Dimension(
        key="typical_day",
        article_number=2,
        label="Typical day",
        description="Whether I would enjoy an ordinary day of this work for years.",
        scale={
            1: "An ordinary day would wear me down.",
            3: "Parts of the day appeal, parts do not.",
            5: "I would look forward to an ordinary day of this work.",
        },
        questions=(
            "Can you walk me through yesterday, from start to finish?",
            "What part of the routine do you enjoy, and what do you put up with?",
            "What are the hardest moments of a normal week?",
        ),
    ),
    Dimension(
        key="network",
        article_number=1,
        label="Network",
        description="The contacts and referrals this option's interviews have given me.",
        scale={
            1: "No new contacts or leads from these conversations.",
            3: "One or two contacts who might help later.",
            5: "Several contacts, referrals or introductions that open doors.",
        },
        questions=(
            "Who else would you suggest I talk to?",
            "May I mention your name when I contact them?",
            "Are there events or groups where people in this field meet?",
        ),
    ),
)

DIMENSION_KEYS: tuple[str, ...] = tuple(d.key for d in DIMENSIONS)
BY_KEY: dict[str, Dimension] = {d.key: d for d in DIMENSIONS}


def label(key: str) -> str:
    return BY_KEY[key].label

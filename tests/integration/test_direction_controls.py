"""Names stored before direction controls were refused still load, shown without them; new ones are
refused and change nothing (core/models.py, `salvaged_line`)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import update

from core import access, storage
from core.models import TenfoldError

RLO = "\u202e"


def test_older_names_with_direction_controls_load_without_them(engine):
    workshop = storage.create_workshop(engine, name="Tuesday", passcode_hash=access.hash_passcode("river-otter-42"))
    token = storage.create_workspace_in_workshop(engine, workshop.join_code, "Ana")
    workspace_id = storage.find_workspace(engine, token).id
    option_id = storage.add_option(engine, workspace_id, kind="career", name="Nurse")
    storage.add_interview(engine, workspace_id, kind="interview", date=dt.date(2026, 11, 2),
                          contact_name="J. Doe", option_ids=[option_id])
    storage.set_sharing(engine, workspace_id, True)
    with engine.begin() as conn:  # as an older Tenfold, which accepted them, stored them
        conn.execute(update(storage.options).values(name=f"{RLO}esrun"))
        conn.execute(update(storage.interviews).values(contact_name=f"{RLO}eod", contact_role=f"x{RLO}"))
        conn.execute(update(storage.workspaces).values(name=f"{RLO}ym", display_name=f"{RLO}anaid"))
        conn.execute(update(storage.workshops).values(name=f"{RLO}yadseut"))

    ws = storage.load_workspace(engine, workspace_id)
    assert ws.name == "ym" and ws.options[0].name == "esrun"
    assert ws.interviews[0].contact.name == "eod" and ws.interviews[0].contact.role == "x"
    assert storage.get_workshop(engine, workshop.id).name == "yadseut"
    assert [m.display_name for m in storage.cohort_members(engine, workshop.id)] == ["anaid"]


def test_a_new_name_with_a_direction_control_is_refused_and_nothing_changes(engine):
    workspace_id = storage.find_workspace(engine, storage.create_workspace(engine)).id
    with pytest.raises(TenfoldError, match="reverses or reorders text"):
        storage.add_option(engine, workspace_id, kind="career", name=f"{RLO}esrun")
    assert storage.load_workspace(engine, workspace_id).options == []

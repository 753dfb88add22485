"""Workshop: join a workshop and choose what the counsellor sees; run one; sign in as its counsellor.

The passcode is read from its field once, in the callback, and the field is emptied at once:
it never goes back to the browser, into the URL, the database (only its hash) or a message.
"""

from __future__ import annotations

import streamlit as st

from core import access, storage
from core.access import DISPLAY_NAME_MAX, PASSCODE_MAX, PASSCODE_RULE, WORKSHOP_NAME_MAX
from core.words import full_stop_after
from ui import counsellor, database, escape_md, messages, router, workspace

TASKS = {"join": "Join a workshop", "run": "Run a workshop", "sign_in": "Counsellor sign-in"}
JOIN_PARAM = "join"  # /workshop?join=K7M4QX fills in the code

st.title("Workshop")
messages.show_flash()
engine = database.engine()

token = st.session_state.get(workspace.TOKEN_KEY)
ref = storage.find_workspace(engine, token) if token else None
member = storage.membership(engine, ref.id) if ref else None
counsellor_of = counsellor.counsellor_workshop_id()
counsellor_workshop = storage.get_workshop(engine, counsellor_of) if counsellor_of is not None else None

if st.session_state.pop("workshop_go_cohort", False) and counsellor_workshop is not None:
    st.switch_page(router.page("cohort"))


# --- the participant's own workshop --------------------------------------------------------------


def _set_sharing() -> None:
    on = bool(st.session_state["workshop_share"])
    messages.attempt(
        lambda: storage.set_sharing(engine, ref.id, on),  # type: ignore[union-attr]
        "Your counsellor can now see your workspace, read-only."
        if on
        else "Sharing stopped. Your counsellor now sees only your name.",
    )


def _leave() -> None:
    messages.attempt(lambda: storage.leave_workshop(engine, ref.id), "You left the workshop.")  # type: ignore[union-attr]


if member is not None:
    with st.container(border=True, key="workshop_mine"):
        st.header(f"Your workshop: {escape_md(member.workshop.name)}")
        name = member.display_name
        st.markdown(f"Your counsellor sees you as **{escape_md(name)}**{full_stop_after(name)}")
        st.session_state["workshop_share"] = member.shared
        st.toggle("Share my workspace with my counsellor", key="workshop_share", on_change=_set_sharing)
        if member.shared:
            st.caption(
                "Sharing is **on**. Your counsellor can see your options, ratings, weights and comparisons, "
                "read-only, and may show your comparison on screen in the workshop. They can never change "
                "anything. Switch it off at any time; they then see only your name."
            )
        else:
            st.caption(
                "Sharing is **off**. Your counsellor sees only that you joined, under this name — none of "
                "your options, ratings or scores. Switch it on when you want their advice or want them to "
                "show your comparison to the group."
            )
        if st.session_state.pop("workshop_just_joined", False):
            link = f"{(st.context.url or '').split('?')[0]}?{workspace.TOKEN_PARAM}={token}"
            st.markdown(
                "This is your **private link**. Bookmark it or keep it somewhere safe: anyone who has it "
                "can open and change your workspace, and it is the only way back in. Your counsellor "
                "does not get it."
            )
            st.code(link, language=None, wrap_lines=True)
            st.page_link(
                router.page("options"), label="Next: add careers and employers", icon=":material/arrow_forward:"
            )
        st.button("Leave this workshop", key="workshop_leave", on_click=_leave)


# --- the counsellor, signed in ------------------------------------------------------------------


def _sign_out() -> None:
    counsellor.sign_out_counsellor()
    messages.flash("Signed out. The cohort is no longer open in this browser.")


if counsellor_workshop is not None:
    with st.container(border=True, key="workshop_counsellor"):
        st.header(f"You run: {escape_md(counsellor_workshop.name)}")
        st.markdown(
            f"Participants join with the code **{access.spoken_join_code(counsellor_workshop.join_code)}**. "
            + counsellor.sign_in_caption()
        )
        if st.session_state.pop("workshop_just_created", False):
            st.success(
                "Workshop created. Keep your passcode somewhere safe: Tenfold stores only a scrambled "
                "form of it and cannot tell it to anyone, you included."
            )
        left, middle, right = st.columns(3)
        left.page_link(router.page("cohort"), label="Open the cohort", icon=":material/groups:")
        middle.page_link(router.page("room"), label="Show the join code on screen", icon=":material/co_present:")
        right.button("Sign out", key="workshop_sign_out", on_click=_sign_out)


# --- join, run, sign in ----------------------------------------------------------------------------

if JOIN_PARAM in st.query_params:
    st.session_state.setdefault("workshop_join_code", st.query_params[JOIN_PARAM])
    st.session_state.setdefault("workshop_task", "join")
st.session_state.setdefault("workshop_task", None if member or counsellor_workshop else "join")
task = st.segmented_control(
    "What would you like to do?", list(TASKS), key="workshop_task", format_func=TASKS.get
)


def _client() -> tuple[str, str]:
    """This tab's client as the throttles count it (a hash) and as the sign-in record keeps it (its
    network). Behind a proxy on this machine, the address is the one it forwards (docs/deployment.md)."""
    address = st.context.ip_address
    address = address if isinstance(address, str) else None  # None: local, or AppTest's stand-in
    return access.client_key(address), access.client_network(address)


def _join(with_open_workspace: bool) -> None:
    code = st.session_state.get("workshop_join_code", "")
    name = st.session_state.get("workshop_join_name", "")
    # Throttled first: too many wrong codes from here (or from everyone) and no code is looked up.
    if messages.attempt(lambda: storage.check_join_code(engine, code, _client()[0], access.clock())) is None:
        return
    if with_open_workspace and ref is not None:
        joined = messages.attempt(lambda: storage.join_workshop(engine, ref.id, code, name))
        if joined is None:
            return
        messages.flash(f"You joined {joined.name} with your workspace.")
    else:
        new_token = messages.attempt(lambda: storage.create_workspace_in_workshop(engine, code, name))
        if new_token is None:
            return
        workspace.open_workspace(new_token)
        messages.flash("You joined the workshop with a new workspace.")
        st.session_state["workshop_just_joined"] = True
    st.session_state["workshop_task"] = None


def _create() -> None:
    name = st.session_state.get("workshop_new_name", "")
    passcode = st.session_state.get("workshop_new_passcode", "")
    again = st.session_state.get("workshop_new_passcode_again", "")
    st.session_state["workshop_new_passcode"] = st.session_state["workshop_new_passcode_again"] = ""

    def create() -> storage.WorkshopRef:
        access.clean_workshop_name(name)
        access.check_new_passcode(passcode, again, workshop_name=name)
        return storage.create_workshop(engine, name=name, passcode_hash=access.hash_passcode(passcode))

    created = messages.attempt(create)
    if created is not None:
        counsellor.sign_in_counsellor(created.id)
        st.session_state["workshop_just_created"] = True
        st.session_state["workshop_task"] = None
        st.session_state["workshop_new_name"] = ""


def _sign_in() -> None:
    code = st.session_state.get("workshop_sign_in_code", "")
    passcode = st.session_state.get("workshop_sign_in_passcode", "")
    st.session_state["workshop_sign_in_passcode"] = ""
    client, network = _client()
    now = access.clock()
    # A throttled attempt is refused before any passcode is checked, even a right one.
    check = messages.attempt(lambda: storage.begin_sign_in(engine, code, client, now))
    if check is None:
        return
    ok = access.check_passcode(passcode, check.passcode_hash) and check.workshop is not None
    outcome = messages.attempt(lambda: storage.finish_sign_in(engine, check, client, network, ok, now))
    if outcome is None:
        return  # not recorded, not counted: no way in (the message says why)
    if ok:
        counsellor.sign_in_counsellor(check.workshop.id)  # type: ignore[union-attr]
        st.session_state["workshop_go_cohort"] = True
        st.session_state["workshop_task"] = None
    else:  # the same words for a wrong passcode and for a code no workshop has
        messages.flash(access.SIGN_IN_REFUSED, "error")


if task == "join":
    with st.columns([3, 2])[0], st.form("workshop_join", border=True):
        st.markdown("**Join your workshop** with the code your counsellor gives you.")
        st.text_input("Join code", key="workshop_join_code", max_chars=12, placeholder="e.g. K7M 4QX")
        st.text_input(
            "Your name, as your counsellor will see it",
            key="workshop_join_name",
            max_chars=DISPLAY_NAME_MAX,
            placeholder="e.g. Ana L.",
        )
        st.caption(
            "Joining shares nothing yet: your counsellor sees only this name until you switch sharing on."
        )
        if ref is not None:
            st.caption(f"Open in this tab: **{escape_md(ref.name or 'My workspace')}**.")
            st.form_submit_button("Join with my open workspace", type="primary", on_click=_join, args=(True,))
            st.form_submit_button("Join with a new, empty workspace", on_click=_join, args=(False,))
        else:
            st.form_submit_button("Join", type="primary", on_click=_join, args=(False,))

elif task == "run":
    with st.columns([3, 2])[0], st.form("workshop_create", border=True):
        st.markdown("**Run a workshop.** You get a join code for your participants; the passcode is for you alone.")
        st.text_input(
            "Workshop name", key="workshop_new_name", max_chars=WORKSHOP_NAME_MAX, placeholder="e.g. Tuesday group"
        )
        st.text_input(
            "Counsellor passcode",
            key="workshop_new_passcode",
            type="password",
            max_chars=PASSCODE_MAX,
            help="You need it to open the cohort. Tenfold cannot tell it to anyone; if it is lost, the "
            "person who runs Tenfold can set a new one.",
        )
        st.caption(PASSCODE_RULE)
        st.text_input("Passcode again", key="workshop_new_passcode_again", type="password", max_chars=PASSCODE_MAX)
        st.form_submit_button("Create the workshop", type="primary", on_click=_create)

elif task == "sign_in":
    with st.columns([3, 2])[0], st.form("workshop_sign_in", border=True):
        st.markdown("**Counsellor sign-in.** Opens the cohort of your workshop in this browser.")
        st.text_input("Join code", key="workshop_sign_in_code", max_chars=12, placeholder="e.g. K7M 4QX")
        st.text_input("Passcode", key="workshop_sign_in_passcode", type="password", max_chars=PASSCODE_MAX)
        st.form_submit_button("Sign in", type="primary", on_click=_sign_in, key="workshop_sign_in_submit")

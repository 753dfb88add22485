"""Storage: the one package that speaks SQL (SQLAlchemy 2 Core). Every function takes its engine
as an argument, and every user action is one transaction.

- `schema`: the tables, schema versions and migrations, opening the database, `ping`;
- `workspace`: one participant's workspace, its options, interviews, ratings and weights, import;
- `workshop`: workshops, their members, sharing, and what a counsellor may look up;
- `browsers`: what one browser may reopen after a reload (presentation mode, a counsellor's sign-in).

(The modules are named in the singular because `storage.workspaces` and `storage.workshops` are
the tables.) Callers use the names re-exported here: `from core import storage`.
"""

from core.models import Workspace
from core.storage.browsers import (
    CounsellorSignIn,
    Presenting,
    counsellor_sign_in,
    forget_counsellor,
    forget_presenting,
    presented_workspace,
    presenting_in_browser,
    remember_counsellor,
    remember_presenting,
)
from core.storage.schema import (
    SCHEMA_VERSION,
    ensure_schema,
    interviews,
    make_engine,
    metadata,
    options,
    ping,
    ratings,
    schema_info,
    workshops,
    workspaces,
)
from core.storage.workshop import (
    Member,
    Membership,
    NoSuchWorkshop,
    SharedWorkspace,
    WorkshopRef,
    cohort_members,
    create_workshop,
    create_workspace_in_workshop,
    find_shared_workspace,
    find_workshop,
    get_workshop,
    join_workshop,
    leave_workshop,
    membership,
    set_sharing,
    workshop_for_sign_in,
)
from core.storage.workspace import (
    NoSuchWorkspace,
    WorkspaceRef,
    add_interview,
    add_option,
    create_workspace,
    delete_interview,
    delete_option,
    find_workspace,
    import_workspace,
    is_well_formed_token,
    load_workspace,
    new_token,
    option_rating_count,
    rename_workspace,
    set_leaning,
    set_rating,
    set_weights,
    update_interview,
    update_option,
)

__all__ = [
    "SCHEMA_VERSION",
    "Member",
    "Membership",
    "NoSuchWorkshop",
    "NoSuchWorkspace",
    "SharedWorkspace",
    "WorkshopRef",
    "Workspace",
    "WorkspaceRef",
    "add_interview",
    "add_option",
    "cohort_members",
    "create_workshop",
    "create_workspace",
    "create_workspace_in_workshop",
    "delete_interview",
    "delete_option",
    "ensure_schema",
    "find_shared_workspace",
    "find_workshop",
    "find_workspace",
    "get_workshop",
    "import_workspace",
    "interviews",
    "is_well_formed_token",
    "join_workshop",
    "leave_workshop",
    "load_workspace",
    "make_engine",
    "membership",
    "metadata",
    "new_token",
    "option_rating_count",
    "options",
    "ping",
    "ratings",
    "rename_workspace",
    "schema_info",
    "set_leaning",
    "set_rating",
    "set_sharing",
    "set_weights",
    "update_interview",
    "update_option",
    "workshop_for_sign_in",
    "workshops",
    "workspaces",
]

# core.storage.browsers
__all__ += [
    "CounsellorSignIn",
    "Presenting",
    "counsellor_sign_in",
    "forget_counsellor",
    "forget_presenting",
    "presented_workspace",
    "presenting_in_browser",
    "remember_counsellor",
    "remember_presenting",
]

"""Who acts: the login at the keyboard (the OS user; on PostgreSQL the role that
connected). Acting as another person takes an administrator, and then the log records both.
(With real OS users: tests/test_shared.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from pilots import make_app

from dealroom.cli import main
from dealroom.identity import acting_user, os_login
from dealroom.store import open_store
from dealroom.store.errors import IdentityError
from dealroom.store.permit import NotAllowed
from dealroom.store.tables import Administrator


def test_the_login_comes_from_the_system_not_from_user(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("USER", "somebody-else")
    monkeypatch.setenv("LOGNAME", "somebody-else")
    assert os_login() != "somebody-else"
    assert acting_user(None, None) == os_login()


@pytest.fixture
def db(tmp_path: Path) -> str:
    """A database made by this OS user (its first administrator), with ana and wei."""
    path = str(tmp_path / "team.db")
    with open_store(path, actor=os_login()) as st:
        st.people.add_person("ana", "Ana Lima")
        st.people.add_person("wei", "Wei Zhang")
        st.people.add_account("ACME")  # (accounts are an administrator's to add)
    return path


def test_the_maker_is_the_first_administrator_and_acts_for_others(db: str) -> None:
    with open_store(db, actor="ana") as st:  # this OS user, for ana
        assert st.people.administrators() == [os_login()]
        st.deals.create_deal("ACME-5G", "5G core", "ACME")
        [made] = [e for e in st.reads.events() if e.entity == "deal"]
        assert (made.actor, made.by, made.who) == ("ana", os_login(), f"{os_login()} for ana")


def test_a_member_acts_only_as_themself(db: str) -> None:
    with open_store(db, actor="wei", login="wei") as st:  # wei, as wei: fine
        st.deals.create_deal("ACME-5G", "5G core", "ACME")
        [made] = [e for e in st.reads.events() if e.entity == "deal"]
        assert (made.actor, made.by) == ("wei", "")
    with pytest.raises(IdentityError, match="you are logged in as wei, so you act as wei"):
        open_store(db, actor="ana", login="wei")


def test_administrators_are_named_by_an_administrator(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with open_store(db, actor="wei", login="wei") as st:
        with pytest.raises(Exception, match="administrators are named by an administrator"):
            st.people.add_administrator("wei")
    assert main(["--db", db, "admin", "add", "wei"]) == 0
    assert capsys.readouterr().out == "wei is an administrator.\n"
    with open_store(db, actor="ana", login="wei") as st:  # now wei may act for ana
        st.deals.create_deal("ACME-5G", "5G core", "ACME")
        assert st.reads.events()[-1].who == "wei for ana"
        with pytest.raises(NotAllowed, match=r"^administrators are named by an administrator"):
            st.people.remove_administrator(os_login())  # for ana, wei has ana's powers
    with open_store(db, actor="wei", login="wei") as st:
        st.people.remove_administrator(os_login())
        with pytest.raises(Exception, match="wei is the last administrator"):
            st.people.remove_administrator("wei")
        logged = [e.summary for e in st.reads.events() if e.entity == "administrator"]
        assert logged == [
            "made wei an administrator",
            f"{os_login()} is no longer an administrator",
        ]
        with st.database.read() as s:
            assert [a.login for a in s.query(Administrator)] == ["wei"]
    assert main(["--db", db, "admin", "list"]) == 0
    assert capsys.readouterr().out == "wei\n"


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_on_postgresql_the_login_is_the_role_that_connected(db_url: str, at_head: None) -> None:
    with open_store(db_url, actor="ana", login="not-this") as st:
        assert st.database.login == "postgres"  # the tests' role, which made the schema
        st.people.add_person("ana", "Ana Lima")
        assert st.reads.events()[-1].who == "postgres for ana"


async def test_the_app_stops_before_it_starts_for_someone_acting_as_another(db: str) -> None:
    with open_store(db, actor=os_login()) as st:  # ana administers it; this login no more
        st.people.add_administrator("ana")
    with open_store(db, actor="ana", login="ana") as st:
        st.people.remove_administrator(os_login())
    app = make_app(db, "wei")
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(50):
            if app.refusal:
                break
            await pilot.pause(0.05)
    assert app.refusal.startswith(f"you are logged in as {os_login()}, so you act as")
    assert app.return_code == 1

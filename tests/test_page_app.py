"""Launch options of app.py and what the built page exposes."""

from __future__ import annotations

import app
from page import build_page
from tests.page_fakes import FakeRetriever


def test_defaults_serve_locally_on_port_7860():
    args = app.parse_args([])
    assert (args.host, args.port, args.share) == ("127.0.0.1", 7860, False)
    args = app.parse_args(["--host", "0.0.0.0", "--port", "8000", "--share", "--index", "x"])
    assert (args.host, args.port, args.share, str(args.index)) == ("0.0.0.0", 8000, True, "x")


def test_login_is_required_only_when_both_variables_are_set(monkeypatch):
    monkeypatch.delenv("POLICY_QA_USER", raising=False)
    monkeypatch.delenv("POLICY_QA_PASSWORD", raising=False)
    assert app.login_from_env() is None
    monkeypatch.setenv("POLICY_QA_USER", "official")
    assert app.login_from_env() is None
    monkeypatch.setenv("POLICY_QA_PASSWORD", "s3cret")
    assert app.login_from_env() == ("official", "s3cret")


def test_page_exposes_the_search_endpoint_but_not_the_chat_handlers():
    demo = build_page(FakeRetriever())
    public = {fn.api_name for fn in demo.fns.values() if fn.api_visibility == "public"}
    assert "search" in public
    assert not {"on_ask", "on_refine", "on_clear"} & public


def test_costly_actions_are_open_to_visitors_of_a_public_address_only_with_allow_uploads(
    monkeypatch,
):
    monkeypatch.delenv("POLICY_QA_USER", raising=False)
    from page.access import Access, can_change

    closed = app.parse_args(["--host", "0.0.0.0"])
    opened = app.parse_args(["--host", "0.0.0.0", "--allow-uploads"])
    assert not can_change(
        Access.from_options(closed.host, allow_uploads=closed.allow_uploads), None
    )
    assert can_change(Access.from_options(opened.host, allow_uploads=opened.allow_uploads), None)


def test_the_page_exposes_only_documented_endpoints():
    demo = build_page(FakeRetriever())
    public = {fn.api_name for fn in demo.fns.values() if fn.api_visibility == "public"}
    demo.jobs.close()
    assert public == {"search", "compare", "run_benchmark", "benchmark_status"}

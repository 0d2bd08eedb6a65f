"""Accessibility: axe-core (vendored in tests/browser/vendor/axe-core, never served by the site)
finds no serious or critical violation on any main page, for every kind of visitor, in light
and dark; and the keyboard reaches every control of the login and comment forms, each with a
visible focus indicator and a label."""

import json
from pathlib import Path

import pytest

from tests.browser.helpers import logged_in_context, populate_forum

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
BLOCKING = {"serious", "critical"}


def axe_violations(page):
    """Run axe on the page; return its violations (every impact), each with its nodes."""
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async () => {
            const results = await axe.run(document, {resultTypes: ["violations"]});
            return results.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary, html: n.html.slice(0, 200)})),
            }));
        }"""
    )


def check_pages(page, paths):
    """Load each path, run axe; fail listing every violation of every page when one of them is
    serious or critical."""
    found = {}
    for path in paths:
        response = page.goto(path)
        assert response.status in (200, 404), (path, response.status)
        violations = axe_violations(page)
        if violations:
            found[path] = violations
    blocking = {path: [v["id"] for v in vs if v["impact"] in BLOCKING] for path, vs in found.items()}
    blocking = {path: ids for path, ids in blocking.items() if ids}
    for path, violations in found.items():  # the minor and moderate ones, for the log
        print(path, [(v["id"], v["impact"], [n["target"] for n in v["nodes"]]) for v in violations])
    assert not blocking, f"serious/critical: {blocking}\nall violations:\n{json.dumps(found, indent=1)}"
    return found


@pytest.fixture
def forum(db, png_bytes):
    return populate_forum(png_bytes)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_pages_have_no_serious_violations_anonymous(browser, live_server, forum, scheme):
    page = browser.new_context(base_url=live_server.url, color_scheme=scheme).new_page()
    paths = [
        "/", forum["discussion_url"], "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/",
        forum["reset_link"], "/u/alice/", "/no-such-page/",
    ]
    if scheme == "dark":
        paths = ["/", forum["discussion_url"], "/accounts/login/"]
    check_pages(page, paths)
    assert page.evaluate("document.documentElement.getAttribute('data-bs-theme')") == scheme


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_pages_have_no_serious_violations_logged_in(browser, live_server, forum, scheme):
    page = logged_in_context(browser, live_server, forum["alice"], color_scheme=scheme).new_page()
    paths = ["/", "/mine/", forum["discussion_url"], "/new/", "/accounts/profile/", "/accounts/password/change/", "/u/bob/"]
    if scheme == "dark":
        paths = [forum["discussion_url"], "/new/"]
    check_pages(page, paths)
    # The discussion page in its states: replying (quote in the form), editing, deleting.
    page.goto(forum["discussion_url"])
    page.locator("article.comment").nth(1).get_by_role("link", name="Reply to Bob Jones").click()
    page.locator("#reply-field blockquote").wait_for()
    page.locator("article.comment").first.get_by_role("link", name="Edit your comment").click()
    page.locator("article.comment-editing").wait_for()
    page.get_by_label("Your comment", exact=True).fill("**Preview** me")
    page.locator("#comment-form").get_by_role("button", name="Preview").click()
    page.locator("#comment-preview strong").wait_for()
    violations = [v for v in axe_violations(page) if v["impact"] in BLOCKING]
    assert not violations, json.dumps(violations, indent=1)


def test_moderation_pages_have_no_serious_violations(browser, live_server, forum):
    page = logged_in_context(browser, live_server, forum["moderator"]).new_page()
    check_pages(page, ["/moderation/reports/", "/moderation/log/", forum["discussion_url"], "/u/bob/"])
    # The moderator's forms opened in place: ban from a comment, and from the person's page.
    page.goto(forum["discussion_url"])
    page.locator("article.comment").nth(2).get_by_role("link", name="Ban author… Bob Jones").click()
    page.locator("form.ban-form").wait_for()
    violations = [v for v in axe_violations(page) if v["impact"] in BLOCKING]
    assert not violations, json.dumps(violations, indent=1)


FOCUS_STATE = """el => {
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    const labelled = (el.labels && el.labels.length > 0 && [...el.labels].some(l => l.textContent.trim()))
        || el.getAttribute("aria-label") || el.getAttribute("aria-labelledby")
        || (["BUTTON", "A"].includes(el.tagName) && el.textContent.trim());
    return {
        tag: el.tagName, name: el.tagName === "BUTTON" ? el.textContent.trim() : el.name, type: el.type || "",
        outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0,
        shadow: style.boxShadow !== "none",
        visible: box.width > 0 && box.height > 0 && style.visibility !== "hidden",
        in_view: box.top >= 0 && box.bottom <= window.innerHeight,
        labelled: Boolean(labelled),
    };
}"""


def tab_through(page, form_selector, stop_at):
    """Press Tab until focus has passed through the form's controls up to ``stop_at`` (a
    predicate on the focus state); return the states of the controls focused inside the form."""
    states = []
    for _ in range(40):
        page.keyboard.press("Tab")
        focused = page.evaluate_handle("document.activeElement")
        inside = page.evaluate(f"el => Boolean(el.closest({json.dumps(form_selector)}))", focused)
        if not inside:
            continue
        state = page.evaluate(FOCUS_STATE, focused)
        states.append(state)
        if stop_at(state):
            return states
    raise AssertionError(f"Tab never reached the end of {form_selector}: {states}")


def assert_focus_visible(states):
    bad = [s for s in states if not (s["visible"] and s["in_view"] and (s["outline"] or s["shadow"]) and s["labelled"])]
    assert not bad, f"controls without a visible focus indicator or a label: {bad}"


def test_keyboard_reaches_login_and_comment_forms_with_visible_focus(browser, live_server, forum, password):
    # Reduced motion: Bootstrap's smooth scrolling would leave a just-focused field still
    # scrolling into view when it is measured.
    page = browser.new_context(base_url=live_server.url, reduced_motion="reduce").new_page()
    page.goto("/accounts/login/")
    states = tab_through(page, "main form", lambda s: s["tag"] == "BUTTON" and "Sign In" in s["name"])
    assert [s["name"] for s in states if s["tag"] == "INPUT"][:2] == ["login", "password"]
    assert_focus_visible(states)
    # The keyboard alone logs in.
    page.locator("input[name=login]").focus()
    page.keyboard.type("alice")
    page.keyboard.press("Tab")
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="alice").wait_for()

    page.goto(forum["discussion_url"])
    page.get_by_label("Your comment").focus()
    page.keyboard.press("Shift+Tab")  # start just before the form, then walk through it
    states = tab_through(page, "form.comment-form", lambda s: s["tag"] == "BUTTON" and s["name"] == "Preview")
    names = [s["name"] for s in states]
    assert names[:2] == ["comment_text", "files"] and "Post comment" in names, names
    assert_focus_visible(states)

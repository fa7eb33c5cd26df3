"""Build the docs site, serve it on localhost and read it in headless Chromium.

Uses Debian's `chromium` (installed by .ci/run) through Playwright; it never
downloads a browser. Without chromium the test is skipped, except in CI
(env var CI set), where it fails. Screenshots at 1280 px and 390 px of a
walkthrough page, a family page and home go to artifacts/ (kept by CI).
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import sys
import threading
from pathlib import Path
from urllib.parse import urljoin

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "artifacts"

# Flags that keep Chromium off the network and quiet in a container.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def _need_chromium() -> None:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: .ci/run should have installed it")
        pytest.skip("chromium is not installed (apt-get install chromium)")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # keep the test output clean
        pass


@pytest.fixture(scope="module")
def site_dir():
    """Both editions built once per test process: English at the root, Chinese under zh/."""
    sys.path.insert(0, str(ROOT / "tests"))
    from site_build import built_site

    return built_site()


@pytest.fixture(scope="module")
def site_url(site_dir):
    _need_chromium()
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    _need_chromium()
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, site_url):
    """A page that records console errors and any request that leaves localhost."""
    yield from _page(browser, site_url, 1280, 900)


@pytest.fixture
def phone(browser, site_url):
    """The same, on a phone-sized screen (390 px wide)."""
    yield from _page(browser, site_url, 390, 844)


def _page(browser, site_url, width, height):
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": width, "height": height})
    page.errors, page.outside = [], []
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.on("pageerror", lambda e: page.errors.append(str(e)))

    def only_local(route):
        if route.request.url.startswith(site_url):
            return route.continue_()
        page.outside.append(route.request.url)
        return route.abort()

    page.route("**/*", only_local)
    yield page
    assert page.outside == [], f"the site fetched from the internet: {page.outside}"
    assert page.errors == [], page.errors
    page.close()


def test_home_page_shows_the_same_program_on_both_backends(page, site_url):
    page.goto(site_url + "/")
    assert "minitorch-module" in page.title()
    assert page.get_by_text("Same output on both backends").first.is_visible()
    assert page.locator(".tabbed-labels label", has_text="minitorch_module").count() >= 1


def test_walkthrough_shows_prose_and_code_and_torch_code_opens_beside_it(page, site_url):
    page.goto(site_url + "/walkthrough/modules/module/registration/")
    rows = page.locator(".wt-row")
    assert rows.count() > 5
    assert rows.nth(1).locator(".wt-code code").first.is_visible()
    assert page.locator(".wt-prose p").first.is_visible()

    # torch's code is closed under the method and opens without moving ours.
    section = page.locator("#module-register-buffer")
    section.scroll_into_view_if_needed()
    panel = page.locator("details.torch").first
    torch_code = panel.locator(".highlight")
    assert not torch_code.is_visible()
    panel.locator("summary").click()
    assert torch_code.is_visible()
    assert "def register_buffer" in torch_code.inner_text()
    assert page.locator(".md-nav--secondary a[href='#module-_call_impl'], .md-nav--secondary a[href='#module-register-buffer']").count() >= 1


# Pages read at both widths: a walkthrough page, a family page and home.
SCREENS = {
    "walkthrough": "/walkthrough/modules/module/registration/",
    "family": "/families/register-buffer-errors/",
    "home": "/",
}

# Code blocks (and the page itself) wider than their box, in CSS pixels.
_OVERFLOWS = """() => {
  const wide = [];
  for (const code of document.querySelectorAll('.wt-code pre > code')) {
    if (code.scrollWidth > code.clientWidth + 1) {
      const row = code.closest('.wt-row');
      wide.push(row ? row.dataset.src : code.textContent.slice(0, 40));
    }
  }
  return wide;
}"""


@pytest.mark.parametrize("name", list(SCREENS))
def test_screenshots_at_1280_and_390_px(page, phone, site_url, name):
    for width, tab in ((1280, page), (390, phone)):
        tab.goto(site_url + SCREENS[name])
        tab.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"))
        # Nothing makes the whole page scroll sideways.
        page_width = tab.evaluate("document.documentElement.scrollWidth")
        assert page_width <= width + 1, f"{name} at {width} px is {page_width} px wide"
        assert tab.evaluate(_OVERFLOWS) == [], f"code cut off on {name} at {width} px"


# The walkthrough pages with the longest source lines.
WIDE_PAGES = [
    "/walkthrough/modules/module/", "/walkthrough/modules/module/state-dict-and-load-state-dict/",
    "/walkthrough/modules/module/calling-a-module-forward-and-backward-hooks/", "/walkthrough/hooks/",
    "/walkthrough/modules/container/sequential/", "/walkthrough/modules/normalization/", "/walkthrough/modules/attention/",
]


@pytest.mark.parametrize("path", WIDE_PAGES)
def test_no_code_row_is_cut_off_at_1280_px(page, site_url, path):
    page.goto(site_url + path)
    assert page.locator(".wt-row").count() > 0
    assert page.evaluate(_OVERFLOWS) == []


def test_search_finds_register_buffer(page, site_url):
    page.goto(site_url + "/")
    page.locator("label.md-search__icon, .md-search__input").first.click()
    # The search index is built in a web worker. A query typed before it is
    # ready is dropped, so type again until results come (a busy machine is slow).
    box = page.locator("input.md-search__input")
    results = page.locator(".md-search-result__item")
    try:
        for _ in range(20):
            box.fill("")
            box.type("register_buffer")
            try:
                results.first.wait_for(timeout=3_000)
                break
            except Exception:  # noqa: BLE001 - not ready yet, type again
                continue
    finally:
        page.screenshot(path=str(ARTIFACTS / "search.png"))
    assert results.count() > 0
    assert "register_buffer" in page.locator(".md-search-result").inner_text()


def test_mermaid_diagrams_render_as_pictures(page, site_url):
    page.goto(site_url + "/tools/")
    # Material draws each diagram into a closed shadow root of a `div.mermaid`
    # that replaces the `pre.mermaid` holding the source text.
    page.locator("div.mermaid").first.wait_for(timeout=15_000)
    diagram = page.locator("div.mermaid").first
    assert diagram.bounding_box()["height"] > 50
    assert page.locator("pre.mermaid").count() == 0


# ---------------------------------------------------------------- the Chinese edition

SWITCH = re.compile(r'<a href="([^"]*)" hreflang="(en|zh)" class="md-select__link')


def _switch_target(site: Path, page: Path, lang: str) -> Path:
    """The page that the language switch of `page` leads to, for `lang`."""
    url = "/" + page.relative_to(site).parent.as_posix() + "/"
    links = dict((code, href) for href, code in SWITCH.findall(page.read_text(encoding="utf-8")))
    target = urljoin(url.replace("//", "/"), links[lang])
    return site / target.lstrip("/") / "index.html"


REDIRECT = re.compile(r'<meta http-equiv="refresh" content="0; url=([^"]+)">')


def _is_redirect(page: Path) -> bool:
    return bool(REDIRECT.search(page.read_text(encoding="utf-8")))


def _pages(site: Path) -> list[Path]:
    """The English pages of the built site (not the redirects from old addresses)."""
    return [p for p in site.rglob("index.html") if p.relative_to(site).parts[0] not in ("zh", "search") and not _is_redirect(p)]


def test_old_walkthrough_addresses_lead_to_the_moved_pages(site_dir):
    # The clone's files moved to torch's paths (module.py -> modules/module.py)
    # and the walkthrough with them: every old address still leads to its page.
    sys.path.insert(0, str(ROOT / "docs"))
    from gen.hook import old_addresses

    moved = old_addresses()
    assert "walkthrough/module/registration.md" in moved and "walkthrough/containers/index.md" in moved
    for edition in (site_dir, site_dir / "zh"):
        for old, new in moved.items():
            folder = Path(old).with_suffix("")
            folder = folder.parent if folder.name == "index" else folder
            html = (edition / folder / "index.html").read_text(encoding="utf-8")
            target = (edition / folder / REDIRECT.search(html).group(1) / "index.html").resolve()
            assert target.is_file() and not REDIRECT.search(target.read_text(encoding="utf-8")), old
            new_folder = Path(new).with_suffix("")
            new_folder = new_folder.parent if new_folder.name == "index" else new_folder
            assert target == (edition / new_folder / "index.html").resolve()


def test_every_page_has_a_chinese_twin_and_the_switch_goes_both_ways(site_dir):
    english = _pages(site_dir)
    assert len(english) > 20
    for page in english:
        chinese = _switch_target(site_dir, page, "zh")
        assert chinese.relative_to(site_dir).parts[0] == "zh", page
        html = chinese.read_text(encoding="utf-8")
        assert '<html lang="zh"' in html, chinese
        assert _switch_target(site_dir, chinese, "en") == page
    # Every Chinese page is some English page's twin: no page lacks a switch back.
    assert len([p for p in (site_dir / "zh").rglob("index.html") if not _is_redirect(p)]) == len(english)


def test_chinese_pages_are_in_chinese(site_dir):
    zh = site_dir / "zh"
    han = re.compile(r"[\u4e00-\u9fff]")
    for page in zh.rglob("index.html"):
        if _is_redirect(page):
            continue
        main = page.read_text(encoding="utf-8").split('<article', 1)[1]
        assert len(han.findall(main)) > 5, page


def test_language_switch_in_the_browser(page, site_url):
    page.goto(site_url + "/walkthrough/modules/module/")
    page.locator(".md-header__option .md-select").first.hover()
    page.locator("a.md-select__link[hreflang=zh]").first.click()
    page.wait_for_url("**/zh/walkthrough/modules/module/")
    assert page.locator("html").get_attribute("lang") == "zh"
    page.locator(".md-header__option .md-select").first.hover()
    page.locator("a.md-select__link[hreflang=en]").first.click()
    page.wait_for_url(site_url + "/walkthrough/modules/module/")
    assert page.locator("html").get_attribute("lang") == "en"


def _search(page, query: str):
    """Search for `query` once the index is ready; return the results' text."""
    page.locator("label.md-search__icon, .md-search__input").first.click()
    # The index of both editions is built in a web worker; on a busy machine
    # that takes a while. Material says "Initializing search" until it is done.
    page.wait_for_function(
        "() => !/Initializing|初始化/.test(document.querySelector('.md-search-result__meta').textContent)",
        timeout=240_000,
    )
    box = page.locator("input.md-search__input")
    box.fill(query)
    box.press("End")  # a key event too, whatever Material listens to
    page.locator(".md-search-result__item").first.wait_for(timeout=60_000)
    return page.locator(".md-search-result").inner_text()


@pytest.mark.parametrize("query, where", [("缓冲区", "/zh/glossary/"), ("注册", "/zh/"), ("register_buffer", "/zh/")])
def test_chinese_search_finds_chinese_words_and_api_names_offline(page, site_url, query, where):
    page.goto(site_url + where)
    found = _search(page, query)
    page.screenshot(path=str(ARTIFACTS / f"search-zh-{len(query)}.png"))
    assert query in found
    links = page.locator(".md-search-result__link").evaluate_all("els => els.map(e => e.href)")
    assert any("/zh/" in href for href in links), links

"""Accessibility helpers for the browser tests: axe-core injected by Playwright, a 200 % text
zoom check, a keyboard walker, and the summary written to tests/artifacts/accessibility.*.

axe-core comes from the npm registry (package.json; `make test` runs `npm install`). The app's
CSP forbids inline script, so the audit contexts are created with `bypass_csp=True`: only the
injected axe script needs it, the pages themselves are served exactly as to anyone else.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import ARTIFACTS, PHONE

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = ("serious", "critical")
IMPACTS = ("critical", "serious", "moderate", "minor")
SUMMARY_JSON = ARTIFACTS / "accessibility.json"
SUMMARY_MD = ARTIFACTS / "accessibility.md"

_RUN_AXE = """async tags => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target.join(" "), html: n.html.slice(0, 200),
                              summary: n.failureSummary}))
  }));
}"""


def axe_source() -> str:
    if not AXE.exists():
        message = f"axe-core not found at {AXE}: run `npm install` (make test does)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(message + " (REQUIRE_BROWSER=1)")
        pytest.skip(message)
    return AXE.read_text(encoding="utf-8")


def run_axe(page) -> list[dict]:
    """axe-core's violations on the page as it is now (axe is injected once per document)."""
    page.wait_for_load_state("load")
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(content=_SOURCE.get())
    return page.evaluate(_RUN_AXE, TAGS)


class Audit:
    """Every page checked in one run, grouped by language, with axe's violations."""

    def __init__(self) -> None:
        self.pages: list[dict] = []

    def check(self, page, name: str, language: str, *, zoom_folder: Path | None = None) -> dict:
        """Run axe on the current page; then the same page at 200 % text size (no sideways
        scrolling), with a screenshot of it when `zoom_folder` is given."""
        violations = run_axe(page)
        overflow, culprits = zoom_overflow(page, name, zoom_folder)
        entry = {
            "language": language,
            "page": name,
            "path": _path(page.url),
            "title": page.title(),
            "violations": violations,
            "overflow_at_200": overflow,
            "overflowing_elements": culprits,
        }
        self.pages.append(entry)
        return entry

    def blocking(self) -> list[str]:
        return [
            f"[{p['language']}] {p['page']} ({p['path']}): {v['impact']} {v['id']} — {v['help']}"
            f" — {[n['target'] for n in v['nodes']]}"
            for p in self.pages
            for v in p["violations"]
            if v["impact"] in BLOCKING
        ]

    def overflowing(self) -> list[str]:
        return [f"[{p['language']}] {p['page']}: {p['overflow_at_200']}px "
                f"{p['overflowing_elements']}" for p in self.pages if p["overflow_at_200"] > 0]

    def summary(self) -> dict:
        by_impact = dict.fromkeys(IMPACTS, 0)
        by_rule: dict[str, dict] = {}
        for p in self.pages:
            for v in p["violations"]:
                by_impact[v["impact"] or "minor"] += len(v["nodes"])
                rule = by_rule.setdefault(v["id"], {"impact": v["impact"], "help": v["help"],
                                                    "pages": []})
                rule["pages"].append(f"[{p['language']}] {p['page']}")
        languages = sorted({p["language"] for p in self.pages})
        return {
            "tool": f"axe-core {_axe_version()}",
            "tags": TAGS,
            "viewport": PHONE,
            "languages": languages,
            "pages_checked": len(self.pages),
            "pages_per_language": {lang: sum(p["language"] == lang for p in self.pages)
                                   for lang in languages},
            "violations_by_impact": by_impact,
            "blocking_violations": len(self.blocking()),
            "pages_scrolling_sideways_at_200_percent": len(self.overflowing()),
            "rules": by_rule,
            "pages": [{k: p[k] for k in ("language", "page", "path", "title",
                                          "overflow_at_200")}
                      | {"violations": [{"id": v["id"], "impact": v["impact"],
                                         "nodes": len(v["nodes"])} for v in p["violations"]]}
                      for p in self.pages],
        }


class _Source:
    def __init__(self) -> None:
        self.text: str | None = None

    def get(self) -> str:
        if self.text is None:
            self.text = axe_source()
        return self.text


_SOURCE = _Source()


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _axe_version() -> str:
    package = AXE.parent / "package.json"
    try:
        return json.loads(package.read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError):
        return "unknown"


_CULPRITS = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll("body *")].filter(el => {
    const box = el.getBoundingClientRect();
    return box.right > width + 0.5 && box.width > 0 && !el.closest(".table-wrap")
      && getComputedStyle(el).position !== "fixed";
  });
  const innermost = wide.filter(el => !wide.some(other => other !== el && el.contains(other)));
  return innermost.slice(0, 5).map(el => el.tagName.toLowerCase()
    + (el.className && typeof el.className === "string" ? "." + el.className.trim()
       .replace(/\\s+/g, ".") : "") + ": " + (el.innerText || "").slice(0, 40));
}"""


def zoom_overflow(page, name: str, folder: Path | None) -> tuple[int, list[str]]:
    """Set the text to 200 % (the CSS is in rem, as a phone's text-size setting scales it),
    measure sideways scrolling, screenshot, and put the text back."""
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth")
    culprits = page.evaluate(_CULPRITS) if overflow > 0 else []
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
        count = len(list(folder.glob("*.png"))) + 1
        page.screenshot(path=str(folder / f"{count:02d}-{name}.png"), full_page=True)
    page.evaluate("document.documentElement.style.fontSize = ''")
    return overflow, culprits


def write_summary(audit: Audit) -> dict:
    """Merge this run's pages into tests/artifacts/accessibility.json (by language) and .md."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    summary = audit.summary()
    SUMMARY_JSON.write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    lines = [
        "# Accessibility check",
        "",
        f"{summary['tool']} on every page of every journey, rules {', '.join(TAGS)}, "
        f"on a {PHONE['width']}×{PHONE['height']} phone screen; each page also at 200 % text "
        "size, checked for sideways scrolling.",
        "",
        f"- Pages checked: {summary['pages_checked']} "
        + "(" + ", ".join(f"{k}: {v}" for k, v in summary["pages_per_language"].items()) + ")",
        "- Violations (elements) by impact: "
        + ", ".join(f"{k} {v}" for k, v in summary["violations_by_impact"].items()),
        f"- Serious or critical: {summary['blocking_violations']}",
        f"- Pages scrolling sideways at 200 %: "
        f"{summary['pages_scrolling_sideways_at_200_percent']}",
        "",
    ]
    if summary["rules"]:
        lines += ["## Rules with violations", "", "| Rule | Impact | Pages |", "|---|---|---|"]
        for rule, info in sorted(summary["rules"].items()):
            lines.append(f"| {rule} ({info['help']}) | {info['impact']} | "
                         f"{', '.join(info['pages'])} |")
        lines.append("")
    lines += ["## Pages", "", "| Language | Page | Path | Violations | Overflow at 200 % |",
              "|---|---|---|---|---|"]
    for p in summary["pages"]:
        found = ", ".join(f"{v['id']} ({v['impact']})" for v in p["violations"]) or "none"
        lines.append(f"| {p['language']} | {p['page']} | `{p['path']}` | {found} | "
                     f"{p['overflow_at_200']}px |")
    SUMMARY_MD.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return summary


# --- keyboard ------------------------------------------------------------------------------

_FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const label = (el.labels && el.labels[0] && el.labels[0].innerText)
    || el.getAttribute("aria-label") || el.innerText || el.value || el.name || "";
  return {
    tag: el.tagName.toLowerCase(), type: el.getAttribute("type"), name: el.getAttribute("name"),
    value: el.getAttribute("value"), id: el.id, text: label.trim().slice(0, 80),
    focusVisible: el.matches(":focus-visible"),
    indicator: (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2)
               || (style.boxShadow && style.boxShadow !== "none"),
  };
}"""

_MARK = """() => {
  const el = document.activeElement;
  window.__order = (window.__order || 0) + 1;
  el.setAttribute("data-kb-order", String(window.__order));
  const previous = document.querySelector(`[data-kb-order="${window.__order - 1}"]`);
  if (!previous || previous === el) return true;
  return Boolean(previous.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING);
}"""


_RESTART = """() => {
  window.__order = 0;
  document.querySelectorAll("[data-kb-order]").forEach(el => el.removeAttribute("data-kb-order"));
}"""


def focused(page) -> dict | None:
    return page.evaluate(_FOCUSED)


def tab_to(page, matches, *, limit: int = 40, log: list | None = None) -> dict:
    """Press Tab until the focused element satisfies `matches`; every element passed on the
    way must show a visible focus indicator and follow the previous one in reading order."""
    left_page = 0
    for _ in range(limit):
        page.keyboard.press("Tab")
        here = focused(page)
        if here is None:
            # After the last control (or from where a new page's starting point was left),
            # Tab visits the browser's own controls once, then comes back to the page's start.
            left_page += 1
            assert left_page <= 1, f"Tab never comes back into the page: {page.url} {log[-8:]}"
            page.evaluate(_RESTART)
            continue
        assert here["focusVisible"] and here["indicator"], f"focus is not visible on {here}"
        assert page.evaluate(_MARK), f"focus jumped backwards to {here}"
        if log is not None:
            log.append(here)
        if matches(here):
            return here
    raise AssertionError(f"Tab never reached the control; last: {log[-5:] if log else None}")

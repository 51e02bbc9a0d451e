"""Screenshots of the demo for the README and for looking at what we build.

Usage: with `make demo` running on 127.0.0.1:8000,
    .venv/bin/python scripts/screenshots.py [--out docs/screenshots] [--base http://127.0.0.1:8000]
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from playwright.sync_api import sync_playwright

PASSWORD = "Zhijiao#2026demo"  # noqa: S105 - the demo's published password
SHOTS = [
    ("office", "/plan/", "dashboard"),
    ("office", "/plan/tasks/", "tasks"),
    ("office", "/plan/tasks/7/", "task"),
    ("office", "/plan/review/", "review"),
    ("rsj", "/plan/workspace/", "workspace"),
    ("jyzy", "/plan/school-plan/", "school-plan"),
    ("auditor", "/core/auditevent/", "audit"),
    ("office", "/targets/", "targets"),
    ("office", "/targets/dual-teacher-share/", "target"),
    ("office", "/targets/training-ratio/", "target-schools"),
    ("office", "/targets/timeliness/", "timeliness"),
    ("jyzy", "/data/", "data-entry"),
    ("jyzz", "/data/SCHOOL_TRAINING/2026Q3/", "data-form"),
    ("jyj", "/data/approvals/", "data-approvals"),
    ("office", "/people/teachers/", "teachers"),
    ("office", "/people/eaglets/", "eaglets"),
    ("office", "/cooperation/enterprises/", "enterprises"),
    ("office", "/talent/analysis/", "talent-analysis"),
    ("jyzy", "/credit/applications/", "credit-queue"),
    ("xueyuan", "/credit/me/", "credit-portal"),
    ("office", "/evaluation/compare/", "evaluation-compare"),
    ("office", "/evaluation/pay/", "pay-basis"),
    ("zhuanjia", "/evaluation/scoring/", "expert-scoring"),
    (None, "/verify/", "verify"),
    (None, "/api/v1/talent/report?year=2025&format=html", "talent-report"),
]
# Pages people open on their phones are shot at a phone's width.
PHONE = {"credit-portal", "verify"}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="docs/screenshots")
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--only", nargs="*", default=None)
    parser.add_argument("--jpeg", action="store_true", help="JPEG（体积小，用于 README）")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=shutil.which("chromium") or "/usr/bin/chromium",
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        for user, path, name in SHOTS:
            if args.only and name not in args.only:
                continue
            size = (
                {"width": 390, "height": 844} if name in PHONE else {"width": 1280, "height": 800}
            )
            context = browser.new_context(locale="zh-CN", viewport=size)
            page = context.new_page()
            if user is not None:  # None: the public, not signed in
                page.goto(f"{args.base}/login/")
                page.fill("input[name=username]", user)
                page.fill("input[name=password]", PASSWORD)
                page.click("button[type=submit]")
                page.wait_for_load_state("networkidle")
            page.goto(f"{args.base}{path}")
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(600)
            target = out / (f"{name}.jpg" if args.jpeg else f"{name}.png")
            if args.jpeg:
                page.screenshot(path=str(target), full_page=True, type="jpeg", quality=70)
            else:
                page.screenshot(path=str(target), full_page=True)
            print(target)
            context.close()
        browser.close()


if __name__ == "__main__":
    main()

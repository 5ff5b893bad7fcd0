"""Issue 6's "done when", in the browser: a Kazakh investigator registers an item and uploads its file
(the progress bar runs to 100%), transfers it to the Belarusian national head, whose open pages show
each change without a reload; the export bundle downloads from its button, and its own verifier,
run from the unzipped copy in a separate process, passes, and fails on a changed byte of a file."""

from __future__ import annotations

import hashlib
import re
import zipfile

import pytest
from playwright.sync_api import Page, expect

from tests.api.test_evidence_export import run_verifier
from tests.browser.test_instruction_flow import choose_file, pick, signed_in, still_the_same_page, watch
from tests.evidence_support import evidence_group

pytestmark = pytest.mark.browser

IMAGE = bytes(range(256)) * 8192  # 2 MB: the upload takes several progress events


def record_progress_and_csp(page: Page) -> None:
    """Keep every value the upload's progress bar takes, and every CSP violation the page reports."""
    page.evaluate("""() => {
        window.jitProgress = [];
        window.jitViolations = [];
        document.addEventListener("securitypolicyviolation",
                                  (event) => window.jitViolations.push(event.violatedDirective));
        const progress = document.querySelector("[data-upload-progress]");
        new MutationObserver(() => window.jitProgress.push(progress.getAttribute("aria-valuenow")))
            .observe(progress, {attributes: true, attributeFilter: ["aria-valuenow"]});
    }""")


def test_a_kazakh_image_goes_to_belarus_and_its_bundle_verifies(cast, live_server, new_context, tmp_path):
    setting = evidence_group(cast)
    gid = setting["gid"]
    register_url = f"{live_server}/groups/{gid}/evidence"

    by_head = signed_in(new_context, live_server, cast.people["by_head"])
    by_head.goto(register_url)
    watch(by_head)
    expect(by_head.get_by_text("No evidence item here yet.")).to_be_visible()

    # The Kazakh investigator registers the image of a seized server's disk.
    member = signed_in(new_context, live_server, cast.people["kz_member"])
    member.goto(register_url)
    member.get_by_role("link", name="Register an item").click()
    member.get_by_label("Criminal case").select_option(str(setting["cases"]["KZ"]))
    member.get_by_label("Kind").select_option("digital_copy")
    member.get_by_label("Title").fill("Образ диска сервера")
    member.get_by_label("Obtained at").fill("2025-11-11T14:30")
    member.get_by_label("Obtained where").fill("г. Алматы, ул. Абая, 10")
    member.get_by_label("Obtained under").fill("Протокол обыска № 17")
    member.get_by_role("button", name="Register the item").click()
    expect(member.get_by_role("heading", level=1)).to_have_text("KZ-0001 — Образ диска сервера")
    expect(member.locator("#chain-badge")).to_have_text("chain verified")

    # The Belarusian head's open register shows it arrive.
    expect(by_head.get_by_role("link", name="KZ-0001")).to_be_visible()
    assert still_the_same_page(by_head)

    # The upload, by XMLHttpRequest with the progress bar.
    record_progress_and_csp(member)
    choose_file(member, "File to upload", tmp_path / "образ диска.bin", IMAGE)
    member.get_by_role("region", name="Files").get_by_label("Place").fill("Астана, ДП МВД")
    member.get_by_role("button", name="Upload the file").click()
    sha = hashlib.sha256(IMAGE).hexdigest()
    expect(member.get_by_text("The file is uploaded and recorded in the chain of custody.")).to_be_visible()
    expect(member.locator("#evidence-files").get_by_text(sha, exact=True)).to_be_visible()
    expect(member.get_by_role("link", name="образ диска.bin")).to_be_visible()
    progress = member.evaluate("window.jitProgress")
    assert progress[-1] == "100" and "0" in progress, progress
    assert member.evaluate("window.jitViolations") == []

    # The Belarusian head opens the item; the Kazakh investigator hands it over.
    by_head.get_by_role("link", name="KZ-0001").click()
    watch(by_head)
    expect(by_head.locator("#evidence-custodian")).to_contain_text(cast.people["kz_member"].full_name)
    pick(member, "transfer-to_user_id", "ковал", "Ольга Ковалёва")
    member.get_by_role("region", name="Transfer").get_by_label("Place").fill("Астана → Минск")
    member.get_by_role("button", name="Transfer the item").click()
    expect(member.get_by_role("alert")).to_have_text("The item is transferred.")

    expect(by_head.locator("#evidence-custodian")).to_contain_text("Ольга Ковалёва")
    expect(by_head.locator("#custody-chain").get_by_text("Transferred", exact=True)).to_be_visible()
    assert still_the_same_page(by_head)

    # The bundle, from the register's button, verified outside the project with the published key.
    by_head.goto(register_url)
    with by_head.expect_download() as download:
        by_head.get_by_role("link", name="Export bundle").click()
    assert re.fullmatch(r"evidence-JIG-\d{4}-\d{3}-\d{4}-\d{2}-\d{2}\.zip", download.value.suggested_filename)
    bundle = tmp_path / "bundle"
    with zipfile.ZipFile(download.value.path()) as archive:
        archive.extractall(bundle)
    key = cast.api.get(f"/api/v1/groups/{gid}/ledger/checkpoint", headers=cast.headers["by_head"]).get_json()
    verified = run_verifier(bundle, "--public-key", key["public_key"])
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "OK: the bundle verifies" in verified.stdout and "events / события:           3" in verified.stdout

    image = bundle / "files" / sha
    changed = bytearray(image.read_bytes())
    changed[1_000_000] ^= 0xFF
    image.write_bytes(changed)
    tampered = run_verifier(bundle, "--public-key", key["public_key"])
    assert tampered.returncode == 1
    assert f'files/{sha} ("образ диска.bin") hashes to ' in tampered.stdout
    assert "its content was changed" in tampered.stdout

#!/usr/bin/env python3
"""The web page's browser scenario, in Debian's headless chromium through chromedriver.

Run by Tests/TresorDaemonTests/WebUI/WebUIBrowserTests.swift against a real `tresor run`
with OpenBao behind it; it prints one line per step and exits non-zero at the first
step that fails. Selenium is given /usr/bin/chromedriver, so it never downloads one.
Never prints a token or a value.
"""
import argparse
import os
import sys
import tempfile
import time
import urllib.parse

from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By


def step(text):
    print("step: " + text, flush=True)


def fail(text):
    print("FAILED: " + text, flush=True)
    sys.exit(1)


def wait_for(description, predicate, timeout=60.0, reload=None):
    deadline = time.monotonic() + timeout
    while True:
        try:
            if predicate():
                return
        except NoSuchElementException:
            pass
        if time.monotonic() > deadline:
            fail("timed out waiting for " + description)
        time.sleep(0.25)
        if reload:
            reload()


def browser(width, height):
    # Selenium Manager must never fetch a driver or a browser: both are Debian's.
    os.environ["SE_OFFLINE"] = "true"
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--disable-background-networking", "--disable-component-update",
                     f"--window-size={width},{height}", "--user-data-dir=" + tempfile.mkdtemp(prefix="tresor-chromium-")]:
        options.add_argument(argument)
    service = Service(executable_path=os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(60)
    return driver


def sign_in(driver, base, token):
    driver.delete_all_cookies()
    driver.get(base + "/ui/sign-in")
    driver.find_element(By.NAME, "token").send_keys(token)
    driver.find_element(By.CSS_SELECTOR, "form.signin button[type=submit]").click()
    wait_for("the approvals list after sign-in", lambda: driver.current_url.endswith("/ui/approvals"))


def request_url(base, request_id):
    return base + "/ui/approvals/" + urllib.parse.quote(request_id, safe="")


def decision_buttons(driver):
    return driver.find_elements(By.CSS_SELECTOR, "button[name=verdict]")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--update-request", required=True)
    parser.add_argument("--reject-secret", required=True)
    parser.add_argument("--reject-request", required=True)
    parser.add_argument("--screenshots", required=True)
    arguments = parser.parse_args()
    # Tokens come in the environment, never on a command line that `ps` shows.
    tokens = {name: os.environ["TOKEN_" + name.upper()] for name in ["alice", "mallory", "carol"]}
    base = arguments.base

    driver = browser(1280, 860)
    try:
        step("alice signs in and sees the pending update")
        sign_in(driver, base, tokens["alice"])
        row = driver.find_element(By.XPATH, f"//tr[td/a[text()='{arguments.secret}']]")
        if "update" not in row.text or "1 / 2" not in row.text:
            fail("the approvals list does not show the update with 1 of 2 approvals: " + row.text)
        driver.save_screenshot(os.path.join(arguments.screenshots, "ui-approvals.png"))

        step("alice opens the request")
        row.find_element(By.TAG_NAME, "a").click()
        wait_for("the request page", lambda: "/ui/approvals/" in driver.current_url)
        heading = driver.find_element(By.TAG_NAME, "h1").text
        if not heading.startswith("update of " + arguments.secret):
            fail("unexpected request page heading: " + heading)
        if "1 of 2" not in driver.find_element(By.TAG_NAME, "dl").text:
            fail("the request page does not show 1 of 2 approvals")
        changed = [cell.text for cell in driver.find_elements(By.CSS_SELECTOR, "div.fields-changed")]
        if changed != ["changed: password", "changed: password"]:
            fail("the request page does not name the changed field at the source and the copy: " + repr(changed))
        driver.find_element(By.NAME, "comment").send_keys("checked the fingerprints")
        driver.set_window_size(1280, 1400)
        driver.execute_script("window.scrollTo(0, 0)")
        driver.save_screenshot(os.path.join(arguments.screenshots, "ui-request.png"))
        driver.set_window_size(1280, 860)

        step("alice approves as the second of two approvers")
        driver.find_element(By.CSS_SELECTOR, "button[value=approve]").click()
        wait_for("the recorded decision", lambda: "was recorded" in driver.page_source)
        if decision_buttons(driver) and any(b.get_attribute("value") == "approve" for b in decision_buttons(driver)):
            fail("alice is offered Approve again")

        step("the secret becomes active at version 2 on its page")
        driver.get(base + "/ui/secrets/" + arguments.secret)
        wait_for("active at version 2",
                 lambda: "active" in driver.find_element(By.CSS_SELECTOR, "dl").text
                 and driver.find_element(By.XPATH, "//dt[text()='Version']/following-sibling::dd[1]").text == "2",
                 reload=driver.refresh)
        driver.get(base + "/ui/secrets?q=" + arguments.secret)
        listed = driver.find_element(By.XPATH, f"//tr[td/a[text()='{arguments.secret}']]").text
        if "active" not in listed:
            fail("the secrets table does not show it active: " + listed)

        step("mallory, not an approver, sees no button")
        sign_in(driver, base, tokens["mallory"])
        driver.get(request_url(base, arguments.reject_request))
        if decision_buttons(driver):
            fail("a non-approver is offered a decision button")
        if "not an approver" not in driver.page_source:
            fail("the page does not tell mallory why there is no button")

        step("mallory's forged POST, with her own session and CSRF token, is refused")
        driver.execute_script(
            """
            const form = document.createElement('form');
            form.method = 'post';
            form.action = arguments[0];
            for (const [name, value] of [['csrf', arguments[1]], ['verdict', 'approve']]) {
                const input = document.createElement('input');
                input.type = 'hidden'; input.name = name; input.value = value;
                form.appendChild(input);
            }
            document.body.appendChild(form);
            form.submit();
            """,
            request_url(base, arguments.reject_request) + "/decision",
            driver.find_element(By.CSS_SELECTOR, "header input[name=csrf]").get_attribute("value"))
        wait_for("the refusal", lambda: "Nothing was recorded" in driver.page_source)
        if "is not an approver" not in driver.page_source:
            fail("the refusal does not say why")

        step("a cross-site POST (no CSRF token, no cookie) is refused")
        forged = ("<form method=post action='" + request_url(base, arguments.reject_request) + "/decision'>"
                  "<input name=verdict value=approve></form>")
        driver.get("data:text/html," + urllib.parse.quote(forged))
        driver.find_element(By.TAG_NAME, "form").submit()
        wait_for("the cross-site refusal", lambda: "Nothing was changed" in driver.page_source)

        step("carol rejects the other request and sees it rejected")
        sign_in(driver, base, tokens["carol"])
        driver.get(request_url(base, arguments.reject_request))
        driver.find_element(By.NAME, "comment").send_keys("not this quarter")
        driver.find_element(By.CSS_SELECTOR, "button[value=reject]").click()
        wait_for("the rejection", lambda: "was recorded" in driver.page_source)
        state = driver.find_element(By.XPATH, "//dt[text()='State']/following-sibling::dd[1]").text
        if not state.startswith("rejected"):
            fail("the request does not show rejected: " + state)
        if decision_buttons(driver):
            fail("a rejected request still offers buttons")
        driver.get(base + "/ui/secrets/" + arguments.reject_secret)
        wait_for("the secret rejected", lambda: "rejected" in driver.find_element(By.CSS_SELECTOR, "dl").text, reload=driver.refresh)
        step("done")
    finally:
        driver.quit()


if __name__ == "__main__":
    main()

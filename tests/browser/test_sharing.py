"""A link that teaches: "Share my digits" puts them (and, if asked, the
settings) in a link; a fresh browser that opens it is offered them in the
"Shared with you" strip, and Accept teaches them at once, without Start.
Dismiss, and a damaged or hostile link, change nothing."""
from shared import share_link
from tests.browser.test_accessibility import violations
from tests.browser.test_teach import SIX, gallery, learned, teach
from tests.harness.browser import Page, page_errors, redraw


def shared_digits(page):
    return page.driver.execute_script(
        "return [...document.querySelectorAll('#shared-digits > [data-digit]')].map(e => e.dataset.digit)")


def test_a_shared_link_teaches_a_fresh_browser_the_shapes_and_settings(page, new_driver):
    teach(page, 6, SIX)
    page.set_input("#batch-size", 32)
    page.set_input("#learning-rate", 0.05)
    assert page.wait_for(lambda: (page.status("batch_size"), page.status("lrate")) == ("32", "0.05"))
    page.find("#share-settings").click()
    page.click("#share-digits")
    assert page.wait_for(lambda: page.find("#share-box").is_displayed())
    link = page.find("#share-link").get_attribute("value")
    assert link.startswith(page.url + "#digits=") and len(link) < 8 * 1024
    note = page.text("#share-note")
    assert "all 2 of your digits" in note and "batch size 32, learning rate 0.05" in note
    assert violations(page.driver) == [], "the link shown"
    page.click("#copy-share-link")
    assert page.wait_for(lambda: page.text("#message") in (
        "Copied the link.", "This browser did not let the page copy: the link is selected, copy it with Ctrl+C (⌘C)."))

    friend = Page(new_driver(), link).open()
    assert friend.find("#shared").is_displayed() and shared_digits(friend) == ["6", "6"]
    assert "shared 2 digits with you, and their settings: the MLP, batch size 32" in friend.text("#shared-summary")
    assert violations(friend.driver) == [], "digits offered"
    assert redraw(friend, SIX, scale=0.9, shift=(2, 1)) != "6"             # the shipped model's reading
    assert gallery(friend) == [] and friend.status("batch_size") == "64"
    friend.click("#shared-accept")
    assert learned(friend, 2)
    assert not friend.find("#shared").is_displayed() and "#" not in friend.driver.current_url
    assert gallery(friend) == ["6", "6"]
    assert (friend.status("batch_size"), friend.status("lrate")) == ("32", "0.05")
    assert redraw(friend, SIX, scale=0.9, shift=(2, 1)) == "6"             # taught without Start
    assert friend.status("training") == "False"
    assert page_errors(friend.driver) == []


def test_dismiss_and_damaged_or_hostile_links_change_nothing(page, server):
    teach(page, 6, SIX)
    page.click("#share-digits")
    assert page.wait_for(lambda: page.find("#share-box").is_displayed())
    link = page.find("#share-link").get_attribute("value")
    accuracy = page.status("test_acc")
    page.driver.get(link.replace("#digits=", "#section"))          # not a shared link: nothing shown
    assert not page.find("#shared").is_displayed()
    page.driver.get(link)                                          # the fragment alone changes: no reload
    assert page.wait_for(lambda: page.find("#shared").is_displayed())
    page.click("#shared-dismiss")
    assert page.wait_for(lambda: not page.find("#shared").is_displayed())
    assert "nothing was changed" in page.text("#message") and len(gallery(page)) == 2
    body = link.split("#digits=")[1]
    for fragment, reason in ((body[:len(body) // 2], "cut short"),
                             (body[:40] + ("A" if body[40] != "A" else "B") + body[41:], "damaged"),
                             ("<img src=x onerror=document.title='owned'>", "characters a shared link never has"),
                             ("A" * (share_link.MAX_URL + 10), "a shared link is under")):
        page.driver.get(server + "/#digits=" + fragment)
        assert page.wait_for(lambda: reason in page.text("#shared-summary")), page.text("#shared-summary")
        assert page.find("#shared").get_attribute("data-state") == "refused"
        assert not page.find("#shared-accept").is_displayed() and shared_digits(page) == []
        assert page.driver.execute_script("return document.querySelectorAll('#shared img').length") == 0
        assert page.driver.title != "owned"
    assert violations(page.driver) == [], "a link refused"
    page.click("#shared-dismiss")
    assert len(gallery(page)) == 2 and page.number("my_digits") == 2
    assert page.status("test_acc") == accuracy and page.status("training") == "False"
    assert page_errors(page.driver) == []

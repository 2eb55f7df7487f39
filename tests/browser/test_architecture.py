"""The convnet in the page: chosen in #architecture, it predicts drawings (on
the main thread, static/js/frame-kernels.js), trains, and the MLP comes back;
a convnet file imported while on the MLP switches to it."""
from selenium.webdriver.support.select import Select

from tests.harness.browser import DIGITS, redraw
from tests.harness.samples import PRETRAINED_CNN


def choose(page, architecture):
    Select(page.find("#architecture")).select_by_value(architecture)
    assert page.wait_for(lambda: page.status("architecture") == architecture, timeout=30), \
        (page.text("#message"), page.worker(), page.find("#architecture").get_attribute("disabled"))


def predicted_by(page, digit):
    """Draw a digit; the model that read it and what it read."""
    read = redraw(page, DIGITS[digit])
    return page.find("#prediction").get_attribute("data-model"), read


def test_switch_to_the_convnet_predict_train_and_switch_back_and_augment_follows(page):
    """Augment is off for the MLP and on for the convnet by default, and the
    checkbox switches it, while training too."""
    box = page.find("#augment")
    assert page.status("augment") == "False" and not box.is_selected()
    assert predicted_by(page, "4") == ("mlp", "4")
    choose(page, "cnn")
    assert "convnet" in page.text("#message")
    assert page.number("test_acc") >= 0.985                  # the shipped convnet
    assert "convnet" in page.text("#weights-source")
    assert page.wait_for(lambda: predicted_by(page, "4") == ("cnn", "4"), timeout=60)
    assert predicted_by(page, "7") == ("cnn", "7")
    assert page.driver.execute_script("return document.querySelectorAll('script[worker]').length") == 1
    page.click("#randomize")
    assert page.wait_for(lambda: page.number("test_acc") < 0.5)
    assert page.status("architecture") == "cnn"
    page.click("#start")
    first = page.wait_for(lambda: page.number("loss"), poll=0.01)
    assert page.wait_for(lambda: page.number("loss") < first / 2, timeout=60)
    page.click("#stop")
    assert page.wait_for(lambda: page.status("training") == "False")
    choose(page, "mlp")
    assert page.number("test_acc") >= 0.95
    assert page.wait_for(lambda: predicted_by(page, "4") == ("mlp", "4"))
    assert Select(page.find("#architecture")).first_selected_option.get_attribute("value") == "mlp"
    assert page.wait_for(lambda: page.status("augment") == "False" and not box.is_selected())
    choose(page, "cnn")
    assert page.wait_for(lambda: page.status("augment") == "True" and box.is_selected())
    box.click()
    assert page.wait_for(lambda: page.status("augment") == "False")
    page.start_training(timeout=30)
    box.click()                                  # while training
    assert page.wait_for(lambda: page.status("augment") == "True")
    page.click("#stop")


def test_importing_a_convnet_file_while_on_the_mlp_switches_to_it(page):
    assert page.status("architecture") == "mlp"
    page.find("#import").send_keys(PRETRAINED_CNN)
    assert page.wait_for(lambda: page.status("architecture") == "cnn", timeout=30)
    assert page.wait_for(lambda: Select(page.find("#architecture"))
                         .first_selected_option.get_attribute("value") == "cnn")
    assert page.wait_for(lambda: predicted_by(page, "0") == ("cnn", "0"), timeout=60)
    page.click("#undo-weights")
    assert page.wait_for(lambda: page.status("architecture") == "mlp", timeout=30)


def test_the_convnet_is_kept_across_a_reload(page):
    choose(page, "cnn")
    page.open()                                # at once: leaving saves what came so far
    assert page.status("architecture") == "cnn"
    assert Select(page.find("#architecture")).first_selected_option.get_attribute("value") == "cnn"
    assert page.wait_for(lambda: predicted_by(page, "7") == ("cnn", "7"), timeout=60)

"""shared/settings.py: each training setting declared once, and everything
that names a setting (the protocol, autosave, the page, the worker) agrees."""
import json
import os
import re

import pytest

from shared import autosave, protocol, settings
from worker import classifier
from worker.convnet import ConvNet
from worker.mlp import MLP

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_each_setting_has_its_own_field_selector_and_signal():
    for attribute in ("field", "selector", "signal"):
        values = [getattr(setting, attribute) for setting in settings.ALL]
        assert len(set(values)) == len(values), attribute
    assert settings.BY_SIGNAL == {setting.signal: setting for setting in settings.ALL}


@pytest.mark.parametrize("setting", settings.ALL, ids=lambda s: s.field)
def test_each_setting_is_a_status_field_a_signal_and_a_field_of_the_page(setting):
    assert setting.field in protocol.STATUS_FIELDS
    assert setting.signal in protocol.SIGNALS
    with open(os.path.join(ROOT, "index.html")) as f:
        page = f.read()
    assert re.search(r'<input id="%s"' % setting.selector[1:], page)
    assert 'data-status="%s"' % setting.field in page


@pytest.mark.parametrize("setting", settings.ALL, ids=lambda s: s.field)
def test_each_default_passes_the_protocol(setting):
    assert protocol.check_setting(setting.signal, setting.default) == setting.default


@pytest.mark.parametrize("setting", settings.ALL, ids=lambda s: s.field)
def test_each_setting_is_named_in_its_refusals(setting):
    with pytest.raises(protocol.ProtocolError, match="^%s must be" % setting.name):
        protocol.check_setting(setting.signal, "fast")


def test_switches_and_numbers():
    assert [s.field for s in settings.ALL if s.is_switch] == ["augment"]
    assert settings.BATCH_SIZE.integer and settings.CACHE_SIZE.integer
    assert not settings.LEARNING_RATE.integer


def test_autosave_keeps_every_setting():
    status = {setting.field: setting.default for setting in settings.ALL}
    checkpoint = {"saved": "2026-11-24T14:02:00+00:00", "samples_seen": 0, "iteration": 0,
                  "test_acc": None, "architecture": "mlp"}
    meta = autosave.decode(autosave.encode(checkpoint, status, {}, {"kind": "shipped"}))
    assert meta["settings"] == status
    assert set(json.loads(autosave.encode(checkpoint, status, {}, {"kind": "shipped"}))
               ["settings"]) == {setting.field for setting in settings.ALL}


def test_the_worker_starts_from_the_defaults_and_the_convnet_brings_its_own():
    assert classifier.BATCH_SIZE == settings.BATCH_SIZE.default
    assert MLP.LEARNING_RATE == settings.LEARNING_RATE.default
    assert MLP.AUGMENT is settings.AUGMENT.default is False
    assert ConvNet.AUGMENT is True and ConvNet.LEARNING_RATE != settings.LEARNING_RATE.default

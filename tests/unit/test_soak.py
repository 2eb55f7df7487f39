"""make soak's verdict (tools/bench/soak.py): what counts as memory that keeps
growing, statuses or training that stopped, and a stalled page."""
from tools.bench import soak

MB = 2 ** 20


def samples(n=40, grow_mb=0.0, **overrides):
    """n samples 5 s apart of a healthy soak; memory grows by grow_mb per sample."""
    out = []
    for i in range(n):
        s = {"t": 5.0 * i, "messages": 1000 * i, "samples_seen": 60000 * i, "training": True,
             "click_ms": 8.0, "long_tasks": []}
        for name in soak.MEMORY:
            s[name] = int(100 * MB + grow_mb * MB * i + (3 * MB if i % 2 else 0))   # a GC sawtooth
        out.append(s)
    for i, changes in overrides.items():
        out[int(i[1:])].update(changes)
    return out


def test_a_healthy_soak_passes():
    assert soak.verdict(samples()) == []


def test_a_sawtooth_and_a_settling_start_are_not_growth():
    run = samples()
    for s in run[:8]:                        # the warm-up: caches fill
        s["worker_wasm_memory"] -= 40 * MB
    assert soak.verdict(run) == []


def test_memory_that_keeps_growing_fails_and_says_which():
    failures = soak.verdict(samples(grow_mb=2.0))      # 32 MB between the halves
    assert any(f.startswith("page_python_heap keeps growing") for f in failures)
    assert len([f for f in failures if "keeps growing" in f]) == len(soak.MEMORY)


def test_slow_growth_below_both_bounds_passes():
    assert soak.verdict(samples(grow_mb=0.2)) == []          # ~3 MB over the halves


def test_statuses_that_stop_fail():
    run = samples()
    run[21]["messages"] = run[20]["messages"]
    assert soak.verdict(run) == ["no statuses from 100 s to 105 s"]


def test_training_that_stops_fails():
    run = samples()
    for s in run[30:]:
        s["samples_seen"] = run[29]["samples_seen"]
    assert "training stopped from 145 s to 150 s" in soak.verdict(run)


def test_a_main_thread_task_over_200_ms_fails():
    run = samples()
    run[-1]["long_tasks"] = [60.0, 180.0, 240.0]
    assert soak.verdict(run) == ["a main-thread task took 240 ms"]
    run[-1]["long_tasks"] = [60.0, 200.0]
    assert soak.verdict(run) == []


def test_a_stalled_click_fails():
    run = samples(**{"s12": {"click_ms": 2400.0}})
    assert soak.verdict(run) == ["a click took 2400 ms at 60 s"]


def test_figures_summarise_the_run():
    figures = soak.figures(samples())
    assert figures["statuses_per_s_median"] == 200 and figures["samples_per_s_median"] == 12000
    assert figures["page_js_heap_mb"]["max"] == round((100 * MB + 3 * MB) / MB, 1)
    assert figures["click_ms_max"] == 8.0 and figures["main_thread_long_tasks"] == 0

"""tools/bench/report.py: docs/benchmarks.md from a fixed run's figures."""
import datetime

from tools.bench import report

START = {"cores": 2, "cpu": "Example CPU @ 2.00GHz", "load": (0.12, 0.3, 0.41), "blas_threads": "1",
         "time": datetime.datetime(2026, 12, 5, 14, 3, tzinfo=datetime.timezone.utc),
         "browser": "Chromium 156.0.1, headless"}
END = {**START, "load": (1.5, 1.2, 0.9),
       "time": datetime.datetime(2026, 12, 5, 14, 19, tzinfo=datetime.timezone.utc)}


def figures():
    """One run's figures, every key bench.py prints."""
    f = {"batch_size": 64, "browser_samples_per_s": 93670, "native_samples_per_s": 157246,
         "browser_to_native_ratio": 0.596, "seconds_to_95pct_heldout": 0.63,
         "samples_to_95pct_heldout": 53696,
         "draw_latency_ms_p50": 7.6, "draw_latency_ms_p95": 11.9, "draw_compute_ms_p50": 7.5,
         "draw_compute_ms_p95": 11.8, "draw_input_delay_ms_p95": 13.0,
         "blank_page_input_delay_ms_p95": 14.3, "draw_updates_measured": 1728,
         "main_thread_longtasks_while_training": 0, "main_thread_longest_task_ms": 0,
         "autosaves_while_drawing": 5, "worker_loss_noticed_s": 3.54, "worker_replaced_s": 5.98,
         "lr10_stopped_after_s": 0.17, "heldout_acc_after_lr10": 0.964,
         "cnn_samples_per_s": 2986, "cnn_samples_per_s_undistorted": 3251,
         "cnn_distortion_cost_share": 0.082, "cnn_seconds_to_98pct_heldout": 18.0,
         "cnn_samples_to_98pct_heldout": 56000,
         "mlp_heldout_plain": 0.964, "mlp_heldout_distorted": 0.973,
         "shipped_heldout_mlp": 0.964, "shipped_heldout_cnn": 0.992,
         "odd_right_before": 0.444, "plain_right_before": 1.0, "lesson_done_after_last_teach_s": 0.31,
         "odd_right_after_lesson": 1.0, "plain_right_after_lesson": 1.0, "heldout_after_lesson": 0.967,
         "my_digits_right_after_lesson": 1.0, "training_pressed_before_these": False,
         "odd_right_after_20s_training": 1.0, "plain_right_after_20s_training": 1.0,
         "heldout_after_20s_training": 0.965, "photos_writers": 11, "photos": 330,
         "photos_right_mlp": 0.909, "photos_right_worst_writer_mlp": 0.767,
         "photos_right_cnn": 0.985, "photos_right_worst_writer_cnn": 0.9,
         "robust_reference_mlp": 0.9407, "robust_40_mlp": 0.851, "robust_70_mlp": 0.941,
         "robust_100_mlp": 0.945, "robust_worst_mlp": "40% centre", "robust_worst_points_mlp": 10.07,
         "not_sure_line_measured_mlp": 0.7, "not_sure_line_mlp": 0.7, "not_sure_share_mlp": 0.0755,
         "not_sure_accuracy_mlp": 0.47,
         "robust_reference_cnn": 0.966, "robust_40_cnn": 0.903, "robust_70_cnn": 0.966,
         "robust_100_cnn": 0.9665, "robust_worst_cnn": "40% bottom left", "robust_worst_points_cnn": 6.67,
         "not_sure_line_measured_cnn": 0.65, "not_sure_line_cnn": 0.65, "not_sure_share_cnn": 0.0288,
         "not_sure_accuracy_cnn": 0.497,
         "start_offline_kept_after_ready_s": 2.3, "start_offline_kept_kb": 3900,
         "page_mlp_samples_per_s_before": 90000, "page_mlp_samples_per_s_after": 86000,
         "page_cnn_samples_per_s_before": 3000, "page_cnn_samples_per_s_after": 2900,
         "page_mlp_multiply_adds": 101632, "page_mlp_training_multiply_adds": 204544,
         "page_cnn_multiply_adds": 267520, "page_cnn_training_multiply_adds": 744960,
         "anchor_page_errors": 0, "page_errors": 0,
         "anchor_tfjs_wasm_cnn_error": "Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'"}
    for kind in ("cold", "warm", "throttled", "warm_sw"):
        for moment in ("grid", "predict", "state"):
            f["start_%s_%s_s" % (kind, moment)], f["start_%s_%s_kb" % (kind, moment)] = 0.5, 1098
    for moment in ("grid", "predict", "state"):
        f["start_slow_%s_s" % moment], f["start_slow_%s_kb" % moment] = 9.5, 1098
    for kind in ("pyodide_floor_cold", "pyodide_floor_warm", "pyodide_floor_slow"):
        f["start_%s_state_s" % kind], f["start_%s_state_kb" % kind] = 1.9, 16910
    f["start_cold_ready_vs_pyodide_floor"], f["start_slow_ready_vs_pyodide_floor"] = 1.2, 1.08
    for moment in ("grid", "predict", "state"):
        f["start_warm_sw_vs_warm_" + moment] = 1.17
    drawing = {"draw_latency_ms_p50": 7.6, "draw_latency_ms_p95": 11.9, "draw_compute_ms_p50": 7.5,
               "draw_compute_ms_p95": 11.8, "draw_input_delay_ms_p95": 13.0, "draw_updates_measured": 1728,
               "main_thread_longtasks_while_training": 0, "main_thread_tasks_over_100ms": 0,
               "main_thread_longest_task_ms": 0, "autosaves_while_drawing": 5,
               "longest_without_autosave_s": 8.4}
    for prefix, slower in (("cnn_", 0.6), ("slow_", 3.0), ("slow_cnn_", 2.0), ("slow_lesson_", 1.5)):
        f.update({prefix + key: value * slower for key, value in drawing.items()})
    f.update({"main_thread_tasks_over_100ms": 0, "slow_rate": 4, "slow_samples_per_s": 23000,
              "slow_speed_ratio": 0.246, "slow_workers_slowed": True, "slow_cnn_samples_per_s": 700,
              "slow_cnn_speed_ratio": 0.234, "slow_cnn_workers_slowed": True,
              "slow_samples_per_s_statuses_off": 24000, "slow_speed_vs_statuses_off": 0.96,
              "slow_cnn_samples_per_s_statuses_off": 710, "slow_cnn_speed_vs_statuses_off": 0.99,
              "slow_lesson_drawings_during_a_lesson": 9})
    speeds = {"tfjs_wasm_mlp": 14413, "tfjs_cpu_mlp": 3187, "convnetjs_mlp": 5756,
              "tfjs_wasm_cnn": None, "tfjs_cpu_cnn": 56, "convnetjs_cnn": 192}
    work = {"mlp": (101632, 204544), "tfjs_cnn": (756928, 2173440), "convnetjs_cnn": (786560, 2202880)}
    for name, speed in speeds.items():
        f["anchor_%s_samples_per_s" % name] = speed
        f["anchor_%s_heldout_acc" % name] = None if speed is None else 0.948
        forward, training = work.get(name.replace("_wasm", "").replace("_cpu", ""), work["mlp"])
        f["anchor_%s_multiply_adds" % name], f["anchor_%s_training_multiply_adds" % name] = forward, training
        for reading in ("before", "after"):
            f["anchor_%s_ratio_%s" % (name, reading)] = None if speed is None else 6.25
            f["anchor_%s_work_ratio_%s" % (name, reading)] = None if speed is None else 5.5
    for kind in ("mlp", "cnn"):
        for reading in ("before", "after"):
            f["%s_vs_best_anchor_%s" % (kind, reading)] = 6.24
            f["%s_work_vs_best_anchor_%s" % (kind, reading)] = 5.49
        f["%s_vs_best_anchor" % kind] = 6.24
    return f


def test_the_header_says_when_and_on_what_machine():
    text = report.render(figures(), START, END)
    assert text.startswith("# Benchmarks\n")
    assert "`make bench`" in text and "2026-12-05 14:03 UTC" in text
    for line in ("| cores | 2 |", "| CPU | Example CPU @ 2.00GHz |",
                 "| load average (1, 5, 15 min) at the start | 0.12, 0.30, 0.41 |",
                 "| load average at the end | 1.50, 1.20, 0.90 |", "| finished | 2026-12-05 14:19 UTC |",
                 "| browser | Chromium 156.0.1, headless |",
                 "| native CPython: the MLP's training step, batch 64, BLAS threads: 1 | 157,246 samples/s |"):
        assert line in text.splitlines()


def test_every_figure_is_shown_and_nothing_left_over():
    text = report.render(figures(), START, END)
    assert "Other figures" not in text
    lines = text.splitlines()
    assert "| samples/s in the page | 93,670 |" in lines
    assert "| page over native | 0.60x |" in lines
    assert "| what distortion costs | 8.2% |" in lines
    assert "| MLP | 90,000 | 86,000 | 101,632 | 204,544 |" in lines
    assert ("| ConvNetJS 0.3.0 | 192 | 94.8% | 786,560 | 2,202,880 | 6.25x | 6.25x | 5.50x | 5.50x |"
            in lines)
    assert "| TensorFlow.js 4.22, wasm backend | — | — | 756,928 | 2,173,440 | — | — | — | — |" in lines
    assert "| **the fastest** |  |  |  |  | 6.24x | 6.24x | 5.49x | 5.49x |" in lines
    assert any("cannot train the convnet: Kernel 'Conv2DBackpropFilter'" in line for line in lines)
    assert "| cold: a fresh browser profile | 0.50 s | 1,098 KB | 0.50 s | 1,098 KB | 0.50 s | 1,098 KB |" in lines
    assert "| Pyodide + numpy alone in a bare worker, cold |  |  |  |  | 1.90 s | 16,910 KB |" in lines
    assert "| Start pressed before these | no |" in lines
    assert "| latency p95 | 11.9 ms | 35.7 ms | 7.1 ms | 23.8 ms | 17.9 ms |" in lines
    assert "| training samples/s, slow device over this machine |  | 0.25x |  | 0.23x |  |" in lines
    assert "| with statuses over without |  | 0.96x |  | 0.99x |  |" in lines
    assert "| worker threads slowed |  | yes |  | yes |  |" in lines
    assert "| second drawings begun while the lesson ran |  |  |  |  | 9 |" in lines
    assert ("| a slow phone, cold: Lighthouse's mobile network, page and workers 4x slower (once) "
            "| 9.50 s | 1,098 KB | 9.50 s | 1,098 KB | 9.50 s | 1,098 KB |") in lines
    assert "| the same on the slow phone | 1.08x |" in lines


def test_each_section_says_what_it_measures():
    lines = report.render(figures(), START, END).splitlines()
    for i, line in enumerate(lines):
        if line.startswith("## "):
            assert lines[i + 1] == "" and len(lines[i + 2]) > 40, line


def test_a_figure_no_section_names_is_still_shown():
    f = figures()
    f["new_figure_s"] = 1.25
    f["draw_latency_ms_p50"] = None
    text = report.render(f, START, END)
    assert "## Other figures" in text and "| `new_figure_s` | 1.25 |" in text.splitlines()
    assert "| latency p50 | — | 22.8 ms | 4.6 ms | 15.2 ms | 11.4 ms |" in text.splitlines()


def test_the_cpu_model_comes_from_proc_cpuinfo():
    now = report.machine()
    assert now["cores"] >= 1 and len(now["load"]) == 3
    assert now["cpu"] is None or now["cpu"].strip() == now["cpu"]

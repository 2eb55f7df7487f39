"""docs/benchmarks.md from one `make bench` run's figures: the date, the
machine (cores, CPU model, load average at the start and the end, the browser,
native CPython's training speed as its yardstick), then every figure in
tables, each section with one line saying what it measures and how.

    render(figures, machine_start, machine_end) -> the Markdown text
    machine() -> what this machine is and how loaded, now
    write(figures, machine_start, machine_end, path=PATH)

A figure no section names still appears, under "Other figures": the page
shows everything the run measured.
"""
import datetime
import os

from tools import ROOT
from tools.bench.anchor_bench import ANCHORS, CNN_S, MLP_S, READINGS
from tools.bench.page_speed import MEASURE_S

PATH = os.path.join(ROOT, "docs", "benchmarks.md")

ANCHOR_NAMES = {
    "tfjs_wasm": "TensorFlow.js 4.22, wasm backend",
    "tfjs_cpu": "TensorFlow.js 4.22, cpu backend",
    "convnetjs": "ConvNetJS 0.3.0",
}
MODELS = {"mlp": "MLP", "cnn": "convnet"}
STARTS = (("cold", "cold: a fresh browser profile"), ("warm", "warm: a reload"),
          ("throttled", "cold, network throttled to 20 Mbit/s and 40 ms"),
          ("warm_sw", "warm, served by the service worker"),
          ("pyodide_floor_cold", "Pyodide + numpy alone in a bare worker, cold"),
          ("pyodide_floor_warm", "Pyodide + numpy alone, warm"),
          ("slow", "a slow phone, cold: Lighthouse's mobile network, page and workers 4x slower (once)"),
          ("pyodide_floor_slow", "Pyodide + numpy alone, the same slow phone, cold (once)"))
MOMENTS = (("grid", "grid takes input"), ("predict", "predictions"), ("state", "worker ready"))


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def machine():
    """Cores, CPU model, the load averages (1, 5, 15 minutes), the BLAS threads
    native numpy may use (make bench sets one) and the time, now."""
    return {"cores": os.cpu_count(), "cpu": cpu_model(), "load": os.getloadavg(),
            "blas_threads": os.environ.get("OPENBLAS_NUM_THREADS", "as many as cores"),
            "time": datetime.datetime.now(datetime.timezone.utc)}


def shown(value, kind):
    """A figure as the tables show it; kind: n (a count), s, ms, kb, pct (of 1), x (a ratio)."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    formats = {"n": lambda v: "{:,}".format(round(v)), "s": "{:.2f} s".format,
               "ms": "{:.1f} ms".format, "mb": "{:.1f} MB".format, "kb": lambda v: "{:,} KB".format(round(v)),
               "pct": lambda v: "{:.1f}%".format(100 * v), "x": "{:.2f}x".format}
    return formats[kind](value) if kind in formats else str(value)


class Report:
    def __init__(self, figures):
        self.figures, self.used, self.lines = figures, set(), []

    def get(self, key, kind="n"):
        self.used.add(key)
        return shown(self.figures.get(key), kind)

    def add(self, *lines):
        self.lines += lines

    def section(self, title, how):
        self.add("", "## " + title, "", how, "")

    def table(self, header, rows):
        self.add("| " + " | ".join(header) + " |", "|" + "---|" * len(header))
        self.add(*("| " + " | ".join(row) + " |" for row in rows))

    def pairs(self, rows):
        """A two-column table: (what, key, kind) per row."""
        self.table(("figure", "measured"), [(what, self.get(key, kind)) for what, key, kind in rows])


# Sections that are a line and a two-column table: (title, how, [(what, key, kind)]).
TRAINING = (
    "Training the MLP in the page",
    "The worker's own samples/s readings while it trains the "
    "784-128-10 MLP in headless Chromium (median of readings every 0.5 s over %g s), against the "
    "same model code under CPython just before and after (their mean); then Start from random "
    "weights until the held-out accuracy reaches 95%%." % MEASURE_S,
    [("samples/s in the page", "browser_samples_per_s", "n"),
     ("samples/s natively (CPython)", "native_samples_per_s", "n"),
     ("page over native", "browser_to_native_ratio", "x"),
     ("from random weights to 95% held-out", "seconds_to_95pct_heldout", "s"),
     ("samples seen by then", "samples_to_95pct_heldout", "n")])
CONVNET = (
    "The convnet",
    "Its samples/s in the page with distorted batches off and on in turns "
    "(four rounds of 3 s each, the first second after a switch skipped; medians), then Start "
    "from random weights until 98% held-out. Natively, what distortion does for the MLP "
    "(20 epochs each way, same seed), and the shipped weights' held-out accuracy.",
    [("samples/s, distorted batches (the default)", "cnn_samples_per_s", "n"),
     ("samples/s, plain batches", "cnn_samples_per_s_undistorted", "n"),
     ("what distortion costs", "cnn_distortion_cost_share", "pct"),
     ("from random weights to 98% held-out", "cnn_seconds_to_98pct_heldout", "s"),
     ("samples seen by then", "cnn_samples_to_98pct_heldout", "n"),
     ("MLP held-out after 20 epochs natively, plain batches", "mlp_heldout_plain", "pct"),
     ("the same, distorted batches", "mlp_heldout_distorted", "pct"),
     ("shipped MLP, held-out", "shipped_heldout_mlp", "pct"),
     ("shipped convnet, held-out", "shipped_heldout_cnn", "pct")])
KEEPING = (
    "Keeping the model",
    "The worker killed while it trains: seconds until the page notices and "
    "until a new worker has the model back. Start at learning rate 10 on the shipped weights: "
    "seconds until training stops by itself, and the held-out accuracy of the weights put back.",
    [("killed worker noticed", "worker_loss_noticed_s", "s"),
     ("new worker has the model", "worker_replaced_s", "s"),
     ("learning rate 10 stopped after", "lr10_stopped_after_s", "s"),
     ("held-out accuracy after", "heldout_acc_after_lr10", "pct")])
TEACHING = (
    "Teaching it your handwriting",
    "tools/bench/teach_bench.py, a fresh page with the shipped MLP, "
    "Start never pressed before the lesson: odd shapes (tests/harness/browser.py's ODD_DIGITS) "
    "drawn at 6 sizes and places each, read before and after teaching two drawings of each, and "
    "after 20 s of training on; plain digits alongside.",
    [("lesson done, after the last \"It's a\"", "lesson_done_after_last_teach_s", "s"),
     ("odd hand read right: before", "odd_right_before", "pct"),
     ("after the lessons", "odd_right_after_lesson", "pct"),
     ("after 20 s of training on", "odd_right_after_20s_training", "pct"),
     ("plain digits read right: before", "plain_right_before", "pct"),
     ("after the lessons", "plain_right_after_lesson", "pct"),
     ("after 20 s of training on", "plain_right_after_20s_training", "pct"),
     ("your digits read right after the lessons", "my_digits_right_after_lesson", "pct"),
     ("held-out after the lessons", "heldout_after_lesson", "pct"),
     ("held-out after 20 s of training on", "heldout_after_20s_training", "pct"),
     ("Start pressed before these", "training_pressed_before_these", "")])
PHOTOS = (
    "Photos of other writers' digits",
    "tools/bench/handwriting.py: each digit in each of "
    "Debian's handwriting fonts (one writer each), photographed with slant, blur, uneven light "
    "and noise, made a digit by the page's own code (app/shared/paper.py, preprocess.py) and read "
    "natively by the shipped weights.",
    [("writers", "photos_writers", "n"), ("photos", "photos", "n"),
     ("read right by the MLP", "photos_right_mlp", "pct"),
     ("for the writer it reads worst", "photos_right_worst_writer_mlp", "pct"),
     ("read right by the convnet", "photos_right_cnn", "pct"),
     ("for the writer it reads worst", "photos_right_worst_writer_cnn", "pct")])
ROBUSTNESS = (
    "Small and off-centre drawings, and Not sure",
    "tools/bench/robustness.py: each held-out digit redrawn along its strokes with the page's pen "
    "(tools/bench/redraw.py), its ink spanning 40%, 70% and 100% of the grid, in the centre and in "
    "each corner, preprocessed as the page does and read by the shipped weights; "
    "tools/bench/calibration.py: on every digit the models never trained on (the page's test split "
    "and MNIST's test set), as they are and redrawn centred at 70%, the confidence line under which "
    "a model's readings are wrong more often than right, and what the page's line "
    "(app/shared/sureness.py) does, and the most ink of those digits drawn with the page's pen, "
    "read from their strokes (app/shared/strokes.py); tools/bench/scribbles.py: "
    "200 zigzags, random walks, spirals and hatchings drawn with the page's pen, and how many the "
    "page is not sure of. Read from the pixels: as the page reads a drawing touched by the eraser.",
    [("held-out digits for the Not sure line and the most ink", "held_out_digits", "n"),
     ("most ink of a held-out digit drawn with the pen", "most_ink_measured", ""),
     ("the page's most for a digit", "most_ink", "")]
    + [(label % name, key % arch, kind) for arch, name in (("mlp", "MLP"), ("cnn", "convnet"))
     for label, key, kind in (
         ("%s: 70%% of the grid, centred", "robust_reference_%s", "pct"),
         ("%s: 40%%, mean of the five places", "robust_40_%s", "pct"),
         ("%s: 70%%, mean of the five places", "robust_70_%s", "pct"),
         ("%s: 100%%, mean of the five places", "robust_100_%s", "pct"),
         ("%s: read worst at", "robust_worst_%s", ""),
         ("%s: points under 70%% centred there", "robust_worst_points_%s", ""),
         ("%s: read from the pixels, 40%%, mean of the five places", "robust_pixels_40_%s", "pct"),
         ("%s: read from the pixels, worst points under 70%% centred", "robust_pixels_worst_points_%s", ""),
         ("%s: line its readings call for", "not_sure_line_measured_%s", ""),
         ("%s: the page's Not sure line", "not_sure_line_%s", ""),
         ("%s: inputs under it", "not_sure_share_%s", "pct"),
         ("%s: read right under it", "not_sure_accuracy_%s", "pct"),
         ("%s: scribbles it is not sure of", "scribbles_not_sure_%s", "pct"))])
MEMORY = (
    "Memory",
    "tools/bench/memory.py, a fresh browser: the proportional set size of its renderer processes "
    "(the page and its workers, and Chromium's own spare ones) from /proc/PID/smaps_rollup, on a "
    "blank page, on the Pyodide floor (a page whose worker has Pyodide and numpy and nothing "
    "else, tools/bench/pyodide_floor/), then on this page once ready and idle, and after 30 s of "
    "training each model, each also over the blank page; and MicroPython's heap as the page "
    "shows it (#page-memory).",
    [("blank page", "memory_blank_page_mb", "mb"),
     ("the Pyodide floor", "memory_pyodide_floor_mb", "mb"),
     ("over the blank page", "memory_pyodide_floor_over_blank_mb", "mb"),
     ("this page, idle once ready", "memory_idle_mb", "mb"),
     ("over the blank page", "memory_idle_over_blank_mb", "mb"),
     ("after 30 s training the MLP", "memory_training_mlp_mb", "mb"),
     ("over the blank page", "memory_training_mlp_over_blank_mb", "mb"),
     ("after 30 s training the convnet", "memory_training_cnn_mb", "mb"),
     ("over the blank page", "memory_training_cnn_over_blank_mb", "mb"),
     ("MicroPython's heap, idle once ready", "memory_python_heap_mb", "mb")])
ERRORS = (
    "Errors",
    "Console errors and PyScript error banners of the page over the whole run.",
    [("page errors", "page_errors", "n")])


def header(r, machine_start, machine_end):
    load = lambda m: ", ".join("%.2f" % x for x in m["load"])
    r.add("# Benchmarks", "",
          "Written by `make bench` (tools/bench/bench.py; this page by tools/bench/report.py) "
          "at %s. Every figure here is from that one run: run it again to replace this page, "
          "never edit it by hand." % machine_start["time"].strftime("%Y-%m-%d %H:%M UTC"))
    r.section("The machine", "Absolute figures swing with the machine and its load; ratios measured in "
              "the same run travel better. Native CPython's speed on the page's own MLP training code "
              "is this machine's yardstick for the run.")
    r.table(("", ""), [
        ("cores", str(machine_start["cores"])), ("CPU", machine_start["cpu"] or "—"),
        ("load average (1, 5, 15 min) at the start", load(machine_start)),
        ("load average at the end", load(machine_end)),
        ("finished", machine_end["time"].strftime("%Y-%m-%d %H:%M UTC")),
        ("browser", machine_start.get("browser") or "—"),
        ("native CPython: the MLP's training step, batch %s, BLAS threads: %s"
         % (r.get("batch_size"), machine_start.get("blas_threads", "—")),
         r.get("native_samples_per_s") + " samples/s"),
    ])


def anchors(r):
    r.section("Against TensorFlow.js and ConvNetJS", "Page, anchors, page: the page's samples/s "
              "(median of %g s, each model in turn) in a fresh load of the page, then each anchor in a fresh "
              "load of tools/bench/anchors/anchors.html on the main thread (%g s for an MLP, %g s for a convnet; "
              "samples/s after the first 20%%, held-out accuracy at the end), then the page again. Ratios are "
              "the page's samples/s over the anchor's, against each page reading. Multiply-adds per sample "
              "are counted from each network as built (tools/bench/work.py): forward, and training "
              "(forward and backward: 3x forward less the first layer's input gradient); per work, the "
              "ratio of training multiply-adds per second. The MLPs are one network (784-128-10); the "
              "convnets are each system's own, different networks. The page's convnet trains as it does by "
              "default, on distorted batches; the anchors train on plain ones." % (MEASURE_S, MLP_S, CNN_S))
    r.table(("the page's model", "samples/s before", "after", "multiply-adds, forward", "training"),
            [[MODELS[kind]] + [r.get("page_%s_samples_per_s_%s" % (kind, reading)) for reading in READINGS]
             + [r.get("page_%s_multiply_adds" % kind), r.get("page_%s_training_multiply_adds" % kind)]
             for kind in ANCHORS])
    errors = []
    for kind, names in ANCHORS.items():
        r.add("", "The page's %s over each anchor:" % MODELS[kind], "")
        rows = []
        for name in names:
            key = "anchor_" + name
            label = ANCHOR_NAMES[name.rsplit("_", 1)[0]]
            rows.append([label, r.get(key + "_samples_per_s"), r.get(key + "_heldout_acc", "pct"),
                         r.get(key + "_multiply_adds"), r.get(key + "_training_multiply_adds")]
                        + [r.get("%s_ratio_%s" % (key, reading), "x") for reading in READINGS]
                        + [r.get("%s_work_ratio_%s" % (key, reading), "x") for reading in READINGS])
            if r.figures.get(key + "_error"):
                errors.append("%s cannot train the %s: %s" % (label, MODELS[kind], r.get(key + "_error", "")))
        rows.append(["**the fastest**", "", "", "", ""]
                    + [r.get("%s_vs_best_anchor_%s" % (kind, reading), "x") for reading in READINGS]
                    + [r.get("%s_work_vs_best_anchor_%s" % (kind, reading), "x") for reading in READINGS])
        r.table(("anchor", "samples/s", "held-out", "multiply-adds, forward", "training",
                 "page over it, before", "after", "per work, before", "after"), rows)
        r.add("", "Over the fastest, the lower of the two readings: **%s** (`%s_vs_best_anchor`)."
              % (r.get("%s_vs_best_anchor" % kind, "x"), kind))
    if errors:
        r.add("", *("- " + error for error in errors))
    r.add("", "Console errors of the anchor page: %s." % r.get("anchor_page_errors"))


def startup(r):
    r.section("Start-up", "tools/bench/startup.py: medians of 3 starts, seconds from navigation to each "
              "moment (`html[data-grid]`, `[data-predict]`, `[data-state]` ready) and the KB the server sent "
              "before it. The server caches as a plain static host does, so a reload revalidates. The "
              "Pyodide floor is Pyodide + numpy alone in a bare worker (tools/bench/pyodide_floor/): no "
              "page can have its worker ready sooner.")
    rows = []
    for kind, what in STARTS:
        row = [what]
        for moment, _ in MOMENTS:
            key = "start_%s_%s" % (kind, moment)
            known = key + "_s" in r.figures
            row += [r.get(key + "_s", "s"), r.get(key + "_kb", "kb")] if known else ["", ""]
        rows.append(row)
    r.table(["start"] + [h for _, what in MOMENTS for h in (what, "KB")], rows)
    r.add("")
    r.pairs([("cold worker ready over the Pyodide floor's", "start_cold_ready_vs_pyodide_floor", "x"),
             ("the same on the slow phone", "start_slow_ready_vs_pyodide_floor", "x"),
             ("service worker: files kept, after the page was ready", "start_offline_kept_after_ready_s", "s"),
             ("sent to it meanwhile", "start_offline_kept_kb", "kb"),
             ("embedded (?embed), untouched for 30 s: KB fetched", "start_embed_untouched_30s_kb", "kb"),
             ("embedded: first pointer down to ready", "start_embed_pointer_to_ready_s", "s"),
             ("over the cold start's worker ready", "start_embed_pointer_to_ready_vs_cold_ready", "x")]
            + [("warm by the service worker over plain warm: %s" % what, "start_warm_sw_vs_warm_" + moment, "x")
               for moment, what in MOMENTS])


def drawing(r):
    r.section("Drawing while training", "Digits drawn as pointer strokes by chromedriver (about one move per "
              "16.7 ms) while the worker trains at full speed and autosaves: latency from the first pointer "
              "event an update covers to updated bars, its compute part, the browser's own input delay (event "
              "time stamp to handler; a blank page shows it too) and main-thread tasks over 50 ms. On a slow "
              "device: the same with the page's main thread slowed %sx by DevTools' CPU throttling and each "
              "of its worker threads held to 1/%s of a core (tools/bench/slow_device.py); the training "
              "speed there over this machine's says whether the condition held, and over its speed with "
              "the page taking one message a second, not twenty, whether the page slows training. During "
              "lessons: each digit drawn, taught (a lesson on all the visitor's digits starts, Start not "
              "pressed) and drawn again while the lesson runs."
              % (r.get("slow_rate"), r.get("slow_rate")))
    models = ("", "slow_", "cnn_", "slow_cnn_", "slow_lesson_")
    rows = [("latency p50", "draw_latency_ms_p50"), ("latency p95", "draw_latency_ms_p95"),
            ("compute p50", "draw_compute_ms_p50"), ("compute p95", "draw_compute_ms_p95"),
            ("input delay p95", "draw_input_delay_ms_p95"), ("longest task", "main_thread_longest_task_ms")]
    counts = [("updates measured", "draw_updates_measured", "n"),
              ("tasks over 50 ms", "main_thread_longtasks_while_training", "n"),
              ("tasks over 50 ms per 10 s", "main_thread_longtasks_per_10s", ""),
              ("tasks over 100 ms", "main_thread_tasks_over_100ms", "n"),
              ("autosaves meanwhile", "autosaves_while_drawing", "n"),
              ("longest time without an autosave", "longest_without_autosave_s", "s")]
    r.table(("", "while the MLP trains", "on a slow device", "while the convnet trains", "on a slow device",
             "during lessons, on a slow device"),
            [[what] + [r.get(model + key, "ms") for model in models] for what, key in rows]
            + [[what] + [r.get(model + key, kind) for model in models] for what, key, kind in counts]
            + [["training samples/s", "", r.get("slow_samples_per_s"), "", r.get("slow_cnn_samples_per_s"), ""],
               ["the same with the page's status traffic off", "", r.get("slow_samples_per_s_statuses_off"), "",
                r.get("slow_cnn_samples_per_s_statuses_off"), ""],
               ["with statuses over without", "", r.get("slow_speed_vs_statuses_off", "x"), "",
                r.get("slow_cnn_speed_vs_statuses_off", "x"), ""],
               ["training samples/s, slow device over this machine", "", r.get("slow_speed_ratio", "x"),
                "", r.get("slow_cnn_speed_ratio", "x"), ""],
               ["worker threads slowed", "", r.get("slow_workers_slowed", ""), "",
                r.get("slow_cnn_workers_slowed", ""), ""],
               ["second drawings begun while the lesson ran", "", "", "", "",
                r.get("slow_lesson_drawings_during_a_lesson")]])
    r.add("")
    r.pairs([("input delay p95 on a blank page", "blank_page_input_delay_ms_p95", "ms")])


SECTIONS = (TRAINING, anchors, CONVNET, startup, drawing, KEEPING, TEACHING, PHOTOS, ROBUSTNESS, MEMORY,
            ERRORS)


def render(figures, machine_start, machine_end):
    """The Markdown of docs/benchmarks.md; machine_*: machine() at the start
    and the end of the run (the start's may carry "browser")."""
    r = Report(figures)
    header(r, machine_start, machine_end)
    for section in SECTIONS:
        if callable(section):
            section(r)
        else:
            title, how, rows = section
            r.section(title, how)
            r.pairs(rows)
    rest = sorted(set(figures) - r.used)
    if rest:
        r.section("Other figures", "Measured by this run, as bench.py prints them.")
        r.table(("figure", "measured"), [("`%s`" % key, shown(figures[key], "")) for key in rest])
    return "\n".join(r.lines) + "\n"


def write(figures, machine_start, machine_end, path=PATH):
    with open(path, "w", encoding="utf-8") as f:
        f.write(render(figures, machine_start, machine_end))

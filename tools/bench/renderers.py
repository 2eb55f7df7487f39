"""The renderer processes of the Chromium a WebDriver drives, from /proc: they
hold the page's main thread and its workers' threads (make bench slows them,
tools/bench/slow_device.py, and weighs them, tools/bench/memory.py)."""
import os


def descendants(pid):
    """PIDs of a process's children, theirs, and so on."""
    children = {}
    for other in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open("/proc/%s/stat" % other) as f:
                parent = f.read().rsplit(")", 1)[1].split()[1]
        except (OSError, IndexError):       # ended meanwhile
            continue
        children.setdefault(parent, []).append(other)
    found, todo = [], [str(pid)]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def page_renderers(driver):
    """PIDs of the renderers of `driver`'s Chromium that are not its own UI
    (top-chrome WebUI)."""
    pids = []
    for pid in descendants(driver.service.process.pid):
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                command = f.read()
        except OSError:
            continue
        if b"--type=renderer" in command and b"top-chrome-webui" not in command:
            pids.append(pid)
    return pids
